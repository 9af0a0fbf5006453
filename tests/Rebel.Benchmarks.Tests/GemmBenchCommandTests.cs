using Rebel.Benchmarks;

namespace Rebel.Benchmarks.Tests;

[TestFixture]
public class GemmBenchCommandTests
{
    [Test]
    public void Run_TinySquareSizes_PrintsOneRowPerSize()
    {
        var output = new StringWriter();
        GemmBenchCommand.Run(new GemmBenchOptions { Threads = 1, Repetitions = 1, MinMilliseconds = 0.1, WarmupMilliseconds = 5, Sizes = [8, 17], Suite = "square" }, output);
        var rows = output.ToString().Split('\n').Where(l => l.StartsWith("| square")).ToList();
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[1], Does.Contain("NN 17×17×17"));
    }

    [Test]
    public void Model_Shapes_CoverForwardAndBothGradientsOfEachLinear()
    {
        var shapes = GemmBenchShape.Model().ToList();
        Assert.That(shapes.Select(s => s.Description), Does.Contain("NN 2048×768×256").And.Contain("NT 2048×256×1024")
            .And.Contain("TN 1024×256×2048").And.Contain("NT 128×128×64 ×64"));
        Assert.That(shapes.Single(s => s.Name == "mlp fc dW").Flops, Is.EqualTo(2.0 * 256 * 1024 * 2048));
    }

    [Test]
    public void Invoke_BadThreads_ReturnsUsageError()
    {
        var error = Console.Error;
        try
        {
            Console.SetError(new StringWriter());
            Assert.That(Program.BuildRoot().Parse(["gemm", "--threads", "0"]).Invoke(), Is.EqualTo(2));
        }
        finally
        {
            Console.SetError(error);
        }
    }

    [Test]
    public void Validate_CpuTimeWithTwoThreads_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new GemmBenchOptions { Threads = 2, CpuTime = true }.Validate());
        Assert.That(e!.Message, Does.Contain("--threads 1"));
        Assert.Throws<ArgumentException>(() => new GemmBenchOptions { Suite = "cubes" }.Validate());
        var warmup = Assert.Throws<ArgumentException>(() => new GemmBenchOptions { WarmupMilliseconds = -1 }.Validate());
        Assert.That(warmup!.Message, Does.Contain("--warmup-ms").And.Contain("-1"));
    }
}
