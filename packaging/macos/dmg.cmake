# macOS DragNDrop image holding synthembed.app (Qt frameworks by macdeployqt, libtorch dylibs copied
# into Contents/Frameworks). Built on macOS; see packaging/README.md.
set(CPACK_DMG_VOLUME_NAME "synthembed ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT UDZO)
set(CPACK_BUNDLE_NAME synthembed)
