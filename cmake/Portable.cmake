# -DTFKMS_PORTABLE=ON: a tfkms that needs nothing from the machine but glibc 2.35 or newer (Ubuntu
# 22.04 and later, Debian 12), for the release tarball. libstdc++ and libgcc are linked statically;
# yaml-cpp, zlib and libdeflate from Debian's static archives; simdjson is compiled in from its source
# (third_party/simdjson/README.md says why); libstdc++'s use of arc4random (glibc 2.36) is answered
# by portable/arc4random.cpp; mimalloc, which Debian ships only as a shared library,
# goes into the package's lib/ beside bin/ and is found through the $ORIGIN run path.
#
# Sets, for the main CMakeLists.txt: TFKMS_YAML_CPP, TFKMS_SIMDJSON, TFKMS_ZLIB and TFKMS_LIBDEFLATE
# (what tfkms_core links), and tfkms_portable_executable(target) for the installed program.
option(TFKMS_PORTABLE "Link everything but glibc and mimalloc into tfkms, for the release tarball" OFF)

set(TFKMS_YAML_CPP yaml-cpp)
set(TFKMS_SIMDJSON simdjson::simdjson)
set(TFKMS_ZLIB ZLIB::ZLIB)
set(TFKMS_LIBDEFLATE ${TFKMS_LIBDEFLATE_LIBRARY})

function(tfkms_portable_executable target)
endfunction()

if(NOT TFKMS_PORTABLE)
  return()
endif()
if(TFKMS_SANITIZE)
  message(FATAL_ERROR "tfkms: TFKMS_PORTABLE and TFKMS_SANITIZE do not go together")
endif()

find_library(TFKMS_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a REQUIRED)
add_library(tfkms_yaml_cpp_static STATIC IMPORTED)
set_target_properties(tfkms_yaml_cpp_static PROPERTIES IMPORTED_LOCATION ${TFKMS_YAML_CPP_ARCHIVE})
set(TFKMS_YAML_CPP tfkms_yaml_cpp_static)

# The vendored source is simdjson 3.0.1; the header it is compiled with must be the same release.
if(NOT simdjson_VERSION VERSION_EQUAL 3.0.1)
  message(FATAL_ERROR "tfkms: the portable build compiles simdjson 3.0.1 (third_party/simdjson) and "
                      "needs its header; found simdjson ${simdjson_VERSION}")
endif()
add_library(tfkms_simdjson_static STATIC ${CMAKE_SOURCE_DIR}/third_party/simdjson/simdjson.cpp)
get_target_property(simdjson_definitions simdjson::simdjson INTERFACE_COMPILE_DEFINITIONS)
target_compile_definitions(tfkms_simdjson_static PUBLIC ${simdjson_definitions})
set(TFKMS_SIMDJSON tfkms_simdjson_static)

find_library(TFKMS_ZLIB_ARCHIVE NAMES libz.a REQUIRED)
set(TFKMS_ZLIB ${TFKMS_ZLIB_ARCHIVE})
find_library(TFKMS_LIBDEFLATE_ARCHIVE NAMES libdeflate.a REQUIRED)
set(TFKMS_LIBDEFLATE ${TFKMS_LIBDEFLATE_ARCHIVE})

get_target_property(mimalloc_library mimalloc IMPORTED_LOCATION_RELWITHDEBINFO)
execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${mimalloc_library} OUTPUT_VARIABLE mimalloc_headers)
string(REGEX MATCH "SONAME +([^\n ]+)" unused "${mimalloc_headers}")
set(TFKMS_MIMALLOC_SONAME ${CMAKE_MATCH_1})
if(NOT TFKMS_MIMALLOC_SONAME)
  message(FATAL_ERROR "tfkms: cannot read the SONAME of ${mimalloc_library}")
endif()

function(tfkms_portable_executable target)
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  # libstdc++.a's one reference to a glibc 2.36 symbol, answered in the binary (the file says why).
  target_sources(${target} PRIVATE ${CMAKE_SOURCE_DIR}/portable/arc4random.cpp)
  set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
  install(FILES ${mimalloc_library} DESTINATION ${CMAKE_INSTALL_LIBDIR} RENAME ${TFKMS_MIMALLOC_SONAME})
  # The licences of what the tarball carries besides tfkms's own code, which ask for their notice
  # to go with every copy: Debian's copyright files and simdjson's own.
  foreach(bundled yaml-cpp:libyaml-cpp-dev zlib:zlib1g libdeflate:libdeflate-dev
          mimalloc:libmimalloc-dev)
    string(REPLACE ":" ";" bundled "${bundled}")
    list(GET bundled 0 library)
    list(GET bundled 1 debian_package)
    install(FILES /usr/share/doc/${debian_package}/copyright
            DESTINATION ${CMAKE_INSTALL_DOCDIR}/bundled RENAME ${library}-copyright)
  endforeach()
  install(FILES ${CMAKE_SOURCE_DIR}/third_party/simdjson/LICENSE
          DESTINATION ${CMAKE_INSTALL_DOCDIR}/bundled RENAME simdjson-LICENSE)
endfunction()
