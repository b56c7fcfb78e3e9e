# LLMPLAN_STATIC_BINARY (ON in the release preset only): the llmplan binary is linked fully
# statically, so that a run loads and relocates no shared library (libstdc++, yaml-cpp, fmt):
# about 2 million instructions and a third of a millisecond at every start, a large share of one
# `advise` (docs/performance.md). Sanitizer builds (asan, fuzz) need dynamic linking and leave it
# OFF, as does the dev preset.
#
# Every dependency stays a Debian package: Debian ships libyaml-cpp.a, libstdc++.a and libc.a,
# but no static fmt, so fmt is compiled in from its headers (fmt::fmt-header-only of libfmt-dev).
#
# Sets LLMPLAN_FMT, the fmt target every part of the build links (one choice for the whole build:
# fmt's headers differ between the two), and llmplan_static_binary(TARGET) to link a target
# statically.
set(LLMPLAN_FMT fmt::fmt)

function(llmplan_static_binary target)
  if(LLMPLAN_STATIC_BINARY)
    target_link_options(${target} PRIVATE -static)
  endif()
endfunction()

if(NOT LLMPLAN_STATIC_BINARY)
  return()
endif()

if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
  message(FATAL_ERROR "LLMPLAN_STATIC_BINARY is for Linux (glibc's libc.a)")
endif()
find_library(LLMPLAN_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a REQUIRED)
# The shared library too, for what must stay dynamic (the benchmark's floor, bench/).
find_library(LLMPLAN_YAML_CPP_SHARED NAMES libyaml-cpp.so REQUIRED)
set(LLMPLAN_FMT fmt::fmt-header-only)

# yaml-cpp's package imports only the shared library as the target `yaml-cpp`. Pointing that
# target at the archive keeps every target_link_libraries(... yaml-cpp) and the installed CMake
# package unchanged: the exported targets name `yaml-cpp`, which a consumer's find_package finds
# as usual.
get_target_property(configurations yaml-cpp IMPORTED_CONFIGURATIONS)
set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION "${LLMPLAN_YAML_CPP_ARCHIVE}")
if(configurations)
  foreach(config IN LISTS configurations)
    set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION_${config} "${LLMPLAN_YAML_CPP_ARCHIVE}")
    set_property(TARGET yaml-cpp PROPERTY IMPORTED_SONAME_${config})  # unset: linked by its path
  endforeach()
endif()
