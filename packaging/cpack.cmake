# Installers for every platform from one CMake flow:
#   Linux:   DEB (Debian/Ubuntu, dependencies computed by dpkg-shlibdeps + runtime extras) and TGZ
#   Windows: NSIS installer (Start-menu entry, .synthembed file association)
#   macOS:   DragNDrop .dmg holding synthembed.app
# See packaging/README.md for the exact commands on each platform.

set(CPACK_PACKAGE_NAME synthembed)
set(CPACK_PACKAGE_VENDOR "The synthembed developers")
set(CPACK_PACKAGE_CONTACT "synthembed developers <maintainers@synthembed.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_INSTALL_DIRECTORY synthembed)
set(CPACK_PACKAGE_EXECUTABLES synthembed synthembed)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_STRIP_FILES ON)

if(WIN32)
  set(CPACK_GENERATOR NSIS ZIP)
  include(${CMAKE_CURRENT_LIST_DIR}/windows/nsis.cmake)
elseif(APPLE)
  set(CPACK_GENERATOR DragNDrop)
  include(${CMAKE_CURRENT_LIST_DIR}/macos/dmg.cmake)
else()
  set(CPACK_GENERATOR DEB TGZ)
  set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_PACKAGE_SECTION science)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  # Loaded at run time, so dpkg-shlibdeps cannot see them: the optimised BLAS libtorch must use,
  # and Qt's platform plugins (xcb/wayland). FAISS (ivfpq backend) needs no entry: Debian ships it
  # only as the static libfaiss.a, linked in; its shared BLAS/LAPACK/libgomp are found by shlibdeps.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread, qt6-qpa-plugins")
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "xdg-utils, fonts-noto-cjk, qt6-translations-l10n")
  set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
endif()

include(CPack)
