/* Portability between host C17 and device code: one function body compiles as
 * plain C (gcc, clang), as CUDA C++ (nvcc) and as HIP C++ (hipcc).
 * Qualifiers: AEON_HD marks a function callable on host and device, AEON_INLINE
 * makes it a header-local inline function, AEON_RESTRICT spells `restrict`.
 * Runtime: kernel sources (.cu) call aeonMalloc, aeonMemcpy, ... which map onto
 * cuda* under nvcc and hip* under hipcc, so the same file builds with either. */
#ifndef AEON_PORTABILITY_H
#define AEON_PORTABILITY_H

#if defined(__HIP__) || defined(__HIPCC__)
#include <hip/hip_runtime.h>
#define AEON_GPU_HIP 1
#elif defined(__CUDACC__)
#include <cuda_runtime.h>
#define AEON_GPU_CUDA 1
#endif

#if defined(AEON_GPU_HIP) || defined(AEON_GPU_CUDA)
#define AEON_GPU 1                /* compiled by nvcc or hipcc (host and device passes) */
#define AEON_HD __host__ __device__
#define AEON_RESTRICT __restrict__
#elif defined(__cplusplus)
#define AEON_HD
#define AEON_RESTRICT __restrict__ /* g++ and clang++ spell C's restrict this way */
#else
#define AEON_HD
#define AEON_RESTRICT restrict
#endif

/* A function defined in a header: one private copy per translation unit, inlined by the compiler. */
#define AEON_INLINE static inline

#if defined(AEON_GPU_HIP)
typedef hipError_t aeonError_t;
typedef hipStream_t aeonStream_t;
#define aeonSuccess hipSuccess
#define aeonMalloc hipMalloc
#define aeonFree hipFree
#define aeonMemcpy hipMemcpy
#define aeonMemcpyAsync hipMemcpyAsync
#define aeonMemset hipMemset
#define aeonMemcpyHostToDevice hipMemcpyHostToDevice
#define aeonMemcpyDeviceToHost hipMemcpyDeviceToHost
#define aeonMemcpyDeviceToDevice hipMemcpyDeviceToDevice
#define aeonDeviceSynchronize hipDeviceSynchronize
#define aeonStreamSynchronize hipStreamSynchronize
#define aeonGetLastError hipGetLastError
#define aeonPeekAtLastError hipPeekAtLastError
#define aeonGetErrorString hipGetErrorString
#define aeonGetDeviceCount hipGetDeviceCount
#define aeonSetDevice hipSetDevice
#elif defined(AEON_GPU_CUDA)
typedef cudaError_t aeonError_t;
typedef cudaStream_t aeonStream_t;
#define aeonSuccess cudaSuccess
#define aeonMalloc cudaMalloc
#define aeonFree cudaFree
#define aeonMemcpy cudaMemcpy
#define aeonMemcpyAsync cudaMemcpyAsync
#define aeonMemset cudaMemset
#define aeonMemcpyHostToDevice cudaMemcpyHostToDevice
#define aeonMemcpyDeviceToHost cudaMemcpyDeviceToHost
#define aeonMemcpyDeviceToDevice cudaMemcpyDeviceToDevice
#define aeonDeviceSynchronize cudaDeviceSynchronize
#define aeonStreamSynchronize cudaStreamSynchronize
#define aeonGetLastError cudaGetLastError
#define aeonPeekAtLastError cudaPeekAtLastError
#define aeonGetErrorString cudaGetErrorString
#define aeonGetDeviceCount cudaGetDeviceCount
#define aeonSetDevice cudaSetDevice
#endif

#endif
