# SPDX-License-Identifier: MIT
# microml as a MicroPython user C module for CMake-based ports (esp32, rp2):
#   make USER_C_MODULES=<abs path to microml>/bindings/micropython/micropython.cmake
# (or include() this file from your own top-level user-module .cmake file).
add_library(usermod_microml INTERFACE)

get_filename_component(MICROML_TOP ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
file(GLOB MICROML_CORE_SRC
    ${MICROML_TOP}/src/core/*.c
    ${MICROML_TOP}/src/nn/*.c
    ${MICROML_TOP}/src/nn/kernels/*.c
    ${MICROML_TOP}/src/dsp/*.c
    ${MICROML_TOP}/src/classic/*.c
)

target_sources(usermod_microml INTERFACE
    ${CMAKE_CURRENT_LIST_DIR}/modmicroml.c
    ${MICROML_TOP}/bindings/common/mml_py.c
    ${MICROML_TOP}/bindings/common/mml_py_gesture.c
    ${MICROML_CORE_SRC}
)

target_include_directories(usermod_microml INTERFACE
    ${CMAKE_CURRENT_LIST_DIR}
    ${MICROML_TOP}/include
    ${MICROML_TOP}/src
)

target_link_libraries(usermod INTERFACE usermod_microml)
