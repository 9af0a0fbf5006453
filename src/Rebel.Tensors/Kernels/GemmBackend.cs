namespace Rebel.Tensors.Kernels;

/// <summary>Which implementation <see cref="Gemm"/> runs.</summary>
public enum GemmBackend
{
    /// <summary>OpenBLAS's <c>cblas_sgemm</c> when the library loaded at run time, otherwise the managed kernel.</summary>
    Auto,

    /// <summary>The blocked, packed managed kernel (always available).</summary>
    Managed,

    /// <summary>OpenBLAS's <c>cblas_sgemm</c> through P/Invoke; selectable only when the library is present.</summary>
    Blas,
}
