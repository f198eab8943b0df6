# Compute kernels: the GPU builds of the kernel sources and the CPU vectorisation check.
# Included by the top-level CMakeLists.txt once the aeon target and the GPU compilers are known.
#   - Every .cu under physics/, src/, scheduler/ is ONE source for CUDA and HIP (aeon/portability.h).
#     With nvcc: object library aeon_kernels (CMake's CUDA language, CMAKE_CUDA_ARCHITECTURES).
#     With hipcc: the same files compiled as HIP into build/hip/... (custom target aeon_kernels_hip,
#     AEON_HIP_ARCHITECTURES), since CMake's HIP language is unavailable with Debian's ROCm.
#     Both are part of `all`, so a kernel that does not compile fails the build; neither is linked
#     into libaeon yet. Floating-point contraction is off so device results equal the host's bits.
#   - aeon_gpu_check_cuda / aeon_gpu_check_hip (tests/gpu/gpu_check.cu): device against host, bit for
#     bit; scripts/gpu-compile.sh builds them and runs them where a device is present.
#   - unit.vectorise: gcc -O3 -march=x86-64-v2 must report every loop marked "vectorised:" in
#     physics/wave/wave.c, physics/bssn/bssn.c and tests/vectorise/stencil_loops.c as vectorised.
file(GLOB_RECURSE AEON_GPU_SOURCES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/physics/*.cu ${PROJECT_SOURCE_DIR}/src/*.cu ${PROJECT_SOURCE_DIR}/scheduler/*.cu)
set(AEON_GPU_CHECK_SOURCE ${PROJECT_SOURCE_DIR}/tests/gpu/gpu_check.cu)
set(AEON_GPU_CHECK_INCLUDES ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/physics/wave
    ${PROJECT_SOURCE_DIR}/physics/bssn)

if(AEON_HAVE_CUDA AND AEON_GPU_SOURCES)
  set(AEON_CUDA_FLAGS --fmad=false -Werror=all-warnings -Xcompiler=-Wall,-Wextra,-Werror)
  add_library(aeon_kernels OBJECT ${AEON_GPU_SOURCES})
  target_include_directories(aeon_kernels PUBLIC ${PROJECT_SOURCE_DIR}/include)
  set_target_properties(aeon_kernels PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON CUDA_EXTENSIONS OFF)
  target_compile_options(aeon_kernels PRIVATE ${AEON_CUDA_FLAGS})
  if(AEON_TESTS)
    add_executable(aeon_gpu_check_cuda ${AEON_GPU_CHECK_SOURCE} $<TARGET_OBJECTS:aeon_kernels>)
    target_include_directories(aeon_gpu_check_cuda PRIVATE ${AEON_GPU_CHECK_INCLUDES})
    set_target_properties(aeon_gpu_check_cuda PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON)
    target_compile_options(aeon_gpu_check_cuda PRIVATE ${AEON_CUDA_FLAGS})
  endif()
endif()

if(AEON_HAVE_HIP AND AEON_GPU_SOURCES)
  set(AEON_HIP_FLAGS -std=c++17 -O3 -fPIC -ffp-contract=off -Wall -Wextra -Werror -I${PROJECT_SOURCE_DIR}/include)
  foreach(a ${AEON_HIP_ARCHITECTURES})
    list(APPEND AEON_HIP_FLAGS --offload-arch=${a})
  endforeach()
  set(AEON_HIP_OBJECTS "")
  foreach(src ${AEON_GPU_SOURCES})
    file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${src})
    set(obj ${PROJECT_BINARY_DIR}/hip/${rel}.o)
    get_filename_component(objdir ${obj} DIRECTORY)
    add_custom_command(OUTPUT ${obj}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${objdir}
      COMMAND ${AEON_HIPCC} -x hip ${AEON_HIP_FLAGS} -MD -MF ${obj}.d -c ${src} -o ${obj}
      DEPENDS ${src} DEPFILE ${obj}.d
      COMMENT "Building HIP object hip/${rel}.o" VERBATIM)
    list(APPEND AEON_HIP_OBJECTS ${obj})
  endforeach()
  add_custom_target(aeon_kernels_hip ALL DEPENDS ${AEON_HIP_OBJECTS})
  if(AEON_TESTS)
    set(exe ${PROJECT_BINARY_DIR}/hip/aeon_gpu_check_hip)
    set(incs "")
    foreach(i ${AEON_GPU_CHECK_INCLUDES})
      list(APPEND incs -I${i})
    endforeach()
    add_custom_command(OUTPUT ${exe}
      COMMAND ${AEON_HIPCC} -x hip ${AEON_HIP_FLAGS} ${incs} -MD -MF ${exe}.d ${AEON_GPU_CHECK_SOURCE}
              -x none ${AEON_HIP_OBJECTS} -o ${exe}
      DEPENDS ${AEON_GPU_CHECK_SOURCE} ${AEON_HIP_OBJECTS} DEPFILE ${exe}.d
      COMMENT "Linking HIP executable hip/aeon_gpu_check_hip" VERBATIM)
    add_custom_target(aeon_gpu_check_hip DEPENDS ${exe})
  endif()
endif()

if(AEON_TESTS AND CMAKE_C_COMPILER_ID STREQUAL "GNU")
  set(vec_flags -std=c17 -D_GNU_SOURCE -I${PROJECT_SOURCE_DIR}/include -I${PROJECT_BINARY_DIR}/generated)
  foreach(i ${MPI_C_INCLUDE_DIRS})
    list(APPEND vec_flags -isystem ${i})
  endforeach()
  string(REPLACE ";" " " vec_flags "${vec_flags}")
  add_test(NAME unit.vectorise
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/vectorise/check_vectorised.sh ${CMAKE_C_COMPILER} "${vec_flags}"
                   ${PROJECT_SOURCE_DIR}/physics/wave/wave.c ${PROJECT_SOURCE_DIR}/tests/vectorise/stencil_loops.c
                   ${PROJECT_SOURCE_DIR}/physics/bssn/bssn.c)
  set_tests_properties(unit.vectorise PROPERTIES LABELS unit TIMEOUT 300)
endif()
