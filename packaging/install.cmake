# Install rules beyond the executables: prompts, desktop integration, man page, completions, and
# on Windows/macOS the Qt and libtorch runtime next to the program.

install(DIRECTORY ${PROJECT_SOURCE_DIR}/prompts/ DESTINATION ${CMAKE_INSTALL_DATADIR}/synthembed/prompts)

if(UNIX AND NOT APPLE)
  set(_linux ${CMAKE_CURRENT_LIST_DIR}/linux)
  install(FILES ${_linux}/org.synthembed.Synthembed.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${_linux}/org.synthembed.Synthembed.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${_linux}/org.synthembed.Synthembed.mime.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages
          RENAME org.synthembed.Synthembed.xml)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/synthembed.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps RENAME org.synthembed.Synthembed.svg)
  foreach(size 16 24 32 48 64 128 256)
    install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/synthembed-${size}.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
            RENAME org.synthembed.Synthembed.png)
  endforeach()
  install(FILES ${_linux}/synthembed-cli.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${_linux}/synthembed-cli.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME synthembed-cli)
endif()

if(SYNTHEMBED_GUI AND (WIN32 OR APPLE))
  # windeployqt / macdeployqt copy Qt's libraries and plugins next to the program.
  qt_generate_deploy_app_script(TARGET synthembed OUTPUT_SCRIPT _deploy NO_UNSUPPORTED_PLATFORM_ERROR)
  install(SCRIPT ${_deploy})
endif()
if(WIN32 OR APPLE)
  # libtorch's shared libraries travel with the program (TORCH_INSTALL_PREFIX comes from TorchConfig).
  file(GLOB _torch_libs ${TORCH_INSTALL_PREFIX}/lib/*${CMAKE_SHARED_LIBRARY_SUFFIX})
  if(APPLE)
    install(FILES ${_torch_libs} DESTINATION synthembed.app/Contents/Frameworks)
  else()
    install(FILES ${_torch_libs} DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endif()
