# Windows NSIS installer. Built on Windows with Qt 6 (MSVC), QScintilla, QCustomPlot, SQLite,
# libcurl (vcpkg) and pytorch.org's libtorch; see packaging/README.md.
set(CPACK_NSIS_DISPLAY_NAME "synthembed")
set(CPACK_NSIS_PACKAGE_NAME "synthembed ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON "${PROJECT_SOURCE_DIR}/resources/icons/synthembed.ico")
set(CPACK_NSIS_MUI_UNIICON "${PROJECT_SOURCE_DIR}/resources/icons/synthembed.ico")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\synthembed.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON) # offers to put synthembed-cli on PATH
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_CREATE_ICONS_EXTRA
  "CreateShortCut '$SMPROGRAMS\\\\$STARTMENU_FOLDER\\\\synthembed.lnk' '$INSTDIR\\\\bin\\\\synthembed.exe'")
set(CPACK_NSIS_DELETE_ICONS_EXTRA "Delete '$SMPROGRAMS\\\\$START_MENU\\\\synthembed.lnk'")
# Double-clicking a .synthembed project opens it.
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS
  "WriteRegStr HKCR '.synthembed' '' 'synthembed.project'
   WriteRegStr HKCR 'synthembed.project' '' 'synthembed project'
   WriteRegStr HKCR 'synthembed.project\\\\DefaultIcon' '' '$INSTDIR\\\\bin\\\\synthembed.exe,0'
   WriteRegStr HKCR 'synthembed.project\\\\shell\\\\open\\\\command' '' '\"$INSTDIR\\\\bin\\\\synthembed.exe\" \"%1\"'")
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS
  "DeleteRegKey HKCR '.synthembed'
   DeleteRegKey HKCR 'synthembed.project'")
