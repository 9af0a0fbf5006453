using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

[TestFixture]
[NonParallelizable]
public class GemmSettingsTests
{
    [Test]
    public void Use_SetsBackendAndThreads_AndDisposeRestoresBoth()
    {
        var (backend, threads) = (Gemm.Backend, Gemm.Threads);
        using (Gemm.Use(backend: GemmBackend.Managed, threads: threads + 1))
        {
            Assert.That(Gemm.Backend, Is.EqualTo(GemmBackend.Managed));
            Assert.That(Gemm.Threads, Is.EqualTo(threads + 1));
        }
        Assert.That((Gemm.Backend, Gemm.Threads), Is.EqualTo((backend, threads)));

        using (Gemm.Use(threads: 1)) Assert.That(Gemm.Backend, Is.EqualTo(backend), "an omitted setting is left alone");
        Assert.That(Gemm.Threads, Is.EqualTo(threads));
    }

    [Test]
    public void Use_BadThreadCount_ChangesNothing()
    {
        var (backend, threads) = (Gemm.Backend, Gemm.Threads);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Use(backend: GemmBackend.Managed, threads: 0));
        Assert.That((Gemm.Backend, Gemm.Threads), Is.EqualTo((backend, threads)));
    }
}
