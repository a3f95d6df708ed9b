# The regex engine: Intel's Hyperscan (x86-64 only) or Vectorscan, its portable fork (arm64, macOS). Both
# install hs/hs.h and a pkg-config module libhs with the same API, and Debian 12's libvectorscan-dev
# provides and conflicts with libhyperscan-dev, so a machine has one of them. This finds it as HYPERSCAN
# (the pkg-config prefix cmake/static_deps.cmake links) and sets KEYFENCE_REGEX_ENGINE_NAME ("Hyperscan" or
# "Vectorscan") for scanner/match/regex_engine.cpp, the one place the code tells them apart.
set(KEYFENCE_REGEX_ENGINE "" CACHE STRING "Regex engine to build with: hyperscan or vectorscan (empty: whichever provides libhs)")
pkg_check_modules(HYPERSCAN REQUIRED IMPORTED_TARGET libhs)
# libhs.pc's Cflags name .../include/hs, but the code includes <hs/hs.h>: the parent is needed where it is
# not the compiler's own (Homebrew's Cellar).
foreach(dir IN LISTS HYPERSCAN_INCLUDE_DIRS)
  get_filename_component(parent "${dir}" DIRECTORY)
  if(dir MATCHES "/hs$" AND NOT parent IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    list(APPEND HYPERSCAN_INCLUDE_DIRS "${parent}")
    set_property(TARGET PkgConfig::HYPERSCAN APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${parent}")
  endif()
endforeach()

# Which engine that libhs is. Their headers differ only in HS_PATCH and their .pc files only in Version,
# so, most specific first: (1) the Debian package owning the .pc file (dpkg-query -S); (2) the install's
# real path, which names the formula on Homebrew (…/Cellar/vectorscan/…); (3) the version: Intel's
# open-source Hyperscan ended at 5.4.2, and Vectorscan's releases are numbered above it (5.4.9 on
# Debian 12, 5.4.11 and later on Homebrew).
pkg_get_variable(keyfence_hs_pcdir libhs pcfiledir)
file(REAL_PATH "${keyfence_hs_pcdir}/libhs.pc" keyfence_hs_pc)
set(keyfence_found_engine "")
find_program(KEYFENCE_DPKG_QUERY dpkg-query)
if(KEYFENCE_DPKG_QUERY)
  execute_process(COMMAND "${KEYFENCE_DPKG_QUERY}" -S "${keyfence_hs_pc}" OUTPUT_VARIABLE keyfence_hs_owner ERROR_QUIET)
  if(keyfence_hs_owner MATCHES "^libvectorscan-dev")
    set(keyfence_found_engine vectorscan)
  elseif(keyfence_hs_owner MATCHES "^libhyperscan-dev")
    set(keyfence_found_engine hyperscan)
  endif()
endif()
if(NOT keyfence_found_engine)
  string(TOLOWER "${keyfence_hs_pc}" keyfence_hs_pc_lower)
  if(keyfence_hs_pc_lower MATCHES "/vectorscan/")
    set(keyfence_found_engine vectorscan)
  elseif(keyfence_hs_pc_lower MATCHES "/hyperscan/")
    set(keyfence_found_engine hyperscan)
  elseif(HYPERSCAN_VERSION VERSION_GREATER 5.4.2)
    set(keyfence_found_engine vectorscan)
  else()
    set(keyfence_found_engine hyperscan)
  endif()
endif()

string(TOLOWER "${KEYFENCE_REGEX_ENGINE}" keyfence_wanted_engine)
if(keyfence_wanted_engine AND NOT keyfence_wanted_engine MATCHES "^(hyperscan|vectorscan)$")
  message(FATAL_ERROR "KEYFENCE_REGEX_ENGINE is '${KEYFENCE_REGEX_ENGINE}': use hyperscan or vectorscan")
endif()
if(keyfence_wanted_engine AND NOT keyfence_wanted_engine STREQUAL keyfence_found_engine)
  message(FATAL_ERROR "KEYFENCE_REGEX_ENGINE=${keyfence_wanted_engine}, but the libhs found (${keyfence_hs_pc}, version "
                      "${HYPERSCAN_VERSION}) is ${keyfence_found_engine}: install lib${keyfence_wanted_engine}-dev (Debian) "
                      "or leave KEYFENCE_REGEX_ENGINE empty")
endif()
if(keyfence_found_engine STREQUAL vectorscan)
  set(KEYFENCE_REGEX_ENGINE_NAME Vectorscan)
else()
  set(KEYFENCE_REGEX_ENGINE_NAME Hyperscan)
endif()
message(STATUS "keyfence: regex engine ${KEYFENCE_REGEX_ENGINE_NAME} ${HYPERSCAN_VERSION} (${keyfence_hs_pc})")
