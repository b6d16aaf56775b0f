# Third-party libraries as interface targets (find_package does not see system packages under emcmake).
add_library(wf_eigen INTERFACE)
target_include_directories(wf_eigen SYSTEM INTERFACE /usr/include/eigen3)
target_compile_definitions(wf_eigen INTERFACE EIGEN_MPL2_ONLY)

# nlohmann/json: never add -I/usr/include (it shadows emscripten's libc headers); use a folder with a link.
set(WF_JSON_DIR ${CMAKE_BINARY_DIR}/third_party/json_include)
file(MAKE_DIRECTORY ${WF_JSON_DIR})
if(NOT EXISTS ${WF_JSON_DIR}/nlohmann)
  file(CREATE_LINK /usr/include/nlohmann ${WF_JSON_DIR}/nlohmann SYMBOLIC)
endif()
add_library(wf_json INTERFACE)
target_include_directories(wf_json SYSTEM INTERFACE ${WF_JSON_DIR})

# GoogleTest from Debian's sources, built with the project's toolchain (native and WASM alike).
if(NOT TARGET gtest)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
  add_subdirectory(/usr/src/googletest ${CMAKE_BINARY_DIR}/third_party/googletest EXCLUDE_FROM_ALL)
endif()
