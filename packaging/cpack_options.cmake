# Per-generator CPack settings (CPACK_PROJECT_CONFIG_FILE): the .deb installs under /usr, the tarball
# holds bin/ and share/ directly under its top directory.
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_PACKAGING_INSTALL_PREFIX "")
endif()
