using Rebel.Tensors.Kernels;

/// <summary>
/// Pins the process-wide GEMM backend of every test assembly to the managed kernel (and <c>REBEL_GEMM=managed</c> for the
/// child processes tests start), so the suite's results do not depend on whether OpenBLAS is installed. The BLAS backend
/// is tested where it is named explicitly (<c>GemmBlasTests</c>, <c>GemmDegenerateTests</c>).
/// </summary>
[SetUpFixture]
public sealed class ManagedGemmByDefault
{
    private GemmBackend _saved;
    private string? _savedVariable;

    [OneTimeSetUp]
    public void PinManaged()
    {
        _saved = Gemm.Backend;
        _savedVariable = Environment.GetEnvironmentVariable("REBEL_GEMM");
        Gemm.Backend = GemmBackend.Managed;
        Environment.SetEnvironmentVariable("REBEL_GEMM", "managed");
    }

    [OneTimeTearDown]
    public void Restore()
    {
        Gemm.Backend = _saved;
        Environment.SetEnvironmentVariable("REBEL_GEMM", _savedVariable);
    }
}
