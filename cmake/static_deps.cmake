# keyfence_deps: the C and C++ libraries keyfence_core links, as one INTERFACE target.
#
# With KEYFENCE_STATIC_DEPS (the default outside sanitizer and fuzz builds) the libraries whose Debian
# -dev packages ship static archives are linked from them: libgit2 with mbedTLS, libssh2, http-parser
# and PCRE2 (and OpenSSL's libcrypto, for libssh2); libarchive with nettle, liblzma, libbz2 and libzstd;
# Hyperscan; RE2; and libstdc++ (the binary's link options). fmt and toml++ are used header-only.
# zlib, glibc and libgcc_s stay shared (Kerberos, which libgit2 calls for Negotiate auth, is replaced by
# cmake/no_gssapi.cpp); libgcc_s
# because glibc's own unwinding (an exception thrown out of std::call_once passes through pthread_once)
# must meet the same unwinder.
# Why: `keyfence staged` is a short-lived process run on every commit. Loading ~35 shared objects and
# resolving their ~10,000 symbol relocations took ~3.5 ms of each run (measured: a program linking these
# libraries starts in 5.6 ms dynamically, 1.5 ms statically), out of a 20 ms budget.
# Where a static archive does not exist, that library is linked shared (keyfence_static_link_line); the
# libgit2 start-up tricks below need libgit2.a itself. Either engine works: Debian's libhyperscan-dev and
# libvectorscan-dev both ship libhs.a. On macOS everything is linked shared (Homebrew's formulae are
# shared libraries, libc++ is the system's, and Apple's linker has no --wrap or -static-libstdc++).
if(APPLE AND KEYFENCE_STATIC_DEPS)
  message(STATUS "keyfence: macOS links its dependencies dynamically (KEYFENCE_STATIC_DEPS ignored)")
  # A normal variable, hiding the cache option for the rest of the configure (CMakeLists.txt's link options too).
  set(KEYFENCE_STATIC_DEPS OFF)
endif()

# keyfence_static_link_line(<out-var> <pkg-config prefix>): the module's `pkg-config --static` link line,
# each library as its archive where one is installed, else its shared library. A library found in
# neither form is left out: only archive members keyfence uses get linked, and a dependency one of them
# truly needs fails the link with its name, not silently.
function(keyfence_static_link_line out prefix)
  set(system_libs c m rt dl pthread stdc++ gcc gcc_s z)
  # libxml2.a would need ICU's (no -dev package installs it); only libarchive's xar code, which keyfence
  # never calls, uses libxml2 at all.
  set(shared_only xml2)
  set(result)
  foreach(name IN LISTS ${prefix}_STATIC_LIBRARIES)
    if(name IN_LIST system_libs)
      continue()
    endif()
    set(names lib${name}.a ${name})
    if(name IN_LIST shared_only)
      set(names ${name})
    endif()
    find_library(KEYFENCE_LIB_${name} NAMES ${names} HINTS ${${prefix}_STATIC_LIBRARY_DIRS})
    if(KEYFENCE_LIB_${name})
      list(APPEND result "${KEYFENCE_LIB_${name}}")
    endif()
  endforeach()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# SHA-256 comes from mbedTLS's libmbedcrypto (Debian's libmbedtls-dev, which libgit2-dev depends on);
# it has no pkg-config file.
find_path(MBEDTLS_INCLUDE_DIR mbedtls/sha256.h REQUIRED)
find_library(MBEDCRYPTO_LIBRARY NAMES mbedcrypto REQUIRED)

add_library(keyfence_deps INTERFACE)
target_include_directories(keyfence_deps SYSTEM INTERFACE "${MBEDTLS_INCLUDE_DIR}")
target_link_libraries(keyfence_deps INTERFACE nlohmann_json::nlohmann_json)

if(KEYFENCE_STATIC_DEPS)
  # fmt and toml++ header-only: their shared libraries would pull the shared libstdc++ back in.
  get_target_property(toml_includes tomlplusplus::tomlplusplus INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(keyfence_deps SYSTEM INTERFACE ${toml_includes})
  target_compile_definitions(keyfence_deps INTERFACE TOML_HEADER_ONLY=1)
  target_link_libraries(keyfence_deps INTERFACE fmt::fmt-header-only)
  set(KEYFENCE_STATIC_LINK)
  foreach(prefix LIBGIT2 LIBARCHIVE HYPERSCAN RE2)
    keyfence_static_link_line(line ${prefix})
    list(APPEND KEYFENCE_STATIC_LINK ${line})
    target_include_directories(keyfence_deps SYSTEM INTERFACE ${${prefix}_INCLUDE_DIRS})
  endforeach()
  # Both need libgit2's own archive (its internal symbols; a shared libgit2 brings its GSSAPI with it).
  if(KEYFENCE_LIB_git2 MATCHES "\\.a$")
    # libgit2.a calls GSSAPI only for HTTP Negotiate auth: cmake/no_gssapi.cpp answers "no mechanism"
    # instead of linking Kerberos (seven shared objects at every start, and a package dependency). It
    # must come after libgit2.a on the link line, so it is a library of its own.
    add_library(keyfence_no_gssapi STATIC "${CMAKE_CURRENT_LIST_DIR}/no_gssapi.cpp")
    list(APPEND KEYFENCE_STATIC_LINK keyfence_no_gssapi)
    # libgit2's mbedTLS and libssh2 set-up (the CA bundle parsed at git_libgit2_init) deferred to first use; the
    # wrappers are in scanner/core/git_handles.cpp, which every libgit2 user in keyfence links through.
    target_compile_definitions(keyfence_deps INTERFACE KEYFENCE_LAZY_TLS=1)
    target_link_options(keyfence_deps INTERFACE "LINKER:--wrap=git_mbedtls_stream_global_init,--wrap=git_mbedtls_stream_new,--wrap=git_mbedtls_stream_wrap,--wrap=git_mbedtls__set_cert_location,--wrap=git_transport_ssh_global_init,--wrap=git_smart_subtransport_ssh")
  else()
    message(STATUS "keyfence: no libgit2.a, libgit2 linked shared (with its own TLS set-up at start)")
  endif()
  # libssh2.a's crypto backend, which libgit2.pc does not list either.
  find_library(KEYFENCE_LIB_CRYPTO_STATIC NAMES libcrypto.a crypto REQUIRED)
  find_library(KEYFENCE_LIB_MBEDCRYPTO_STATIC NAMES libmbedcrypto.a mbedcrypto REQUIRED)
  target_link_libraries(keyfence_deps INTERFACE ${KEYFENCE_STATIC_LINK} "${KEYFENCE_LIB_CRYPTO_STATIC}" "${KEYFENCE_LIB_MBEDCRYPTO_STATIC}"
                        ZLIB::ZLIB ${CMAKE_DL_LIBS} Threads::Threads)
  message(STATUS "keyfence: static dependencies (KEYFENCE_STATIC_DEPS=ON)")
else()
  target_link_libraries(keyfence_deps INTERFACE fmt::fmt tomlplusplus::tomlplusplus PkgConfig::HYPERSCAN PkgConfig::RE2 PkgConfig::LIBGIT2 PkgConfig::LIBARCHIVE
                        "${MBEDCRYPTO_LIBRARY}" ZLIB::ZLIB Threads::Threads)
endif()
