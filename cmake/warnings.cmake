# Warnings as errors on project code only; third-party headers come in as -isystem.
add_library(wf_warnings INTERFACE)
target_compile_options(wf_warnings INTERFACE -Wall -Wextra -Werror -Wno-unused-parameter)

# Same floating-point results natively and in WASM: no FMA contraction, no fast-math in the core.
add_library(wf_fp INTERFACE)
target_compile_options(wf_fp INTERFACE -ffp-contract=off)

if(WF_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(EMSCRIPTEN)
  # Exceptions are off by default in emcc; the core reports bad input by throwing.
  add_compile_options(-fexceptions)
  add_link_options(-fexceptions)
endif()
