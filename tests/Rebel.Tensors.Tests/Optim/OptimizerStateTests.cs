using Rebel.Tensors.IO;
using Rebel.Tensors.Optim;

namespace Rebel.Tensors.Tests.Optim;

public class OptimizerStateTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-optim-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static uint[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();

    [TestCase("adamw_cosine_clip", 3)]
    [TestCase("adamw_linear_big_eps", 4)]
    [TestCase("sgd_nesterov_linear_clip", 2)]
    [TestCase("sgd_dampening_constant", 3)]
    [TestCase("sgd_plain_cosine", 1)]
    public void SaveThenLoad_NStepsPlusMSteps_EqualsNPlusMStepsBitForBit(string name, int n)
    {
        var scenario = TorchTrajectories.Scenario(name);
        int total = scenario.GetProperty("steps").GetArrayLength();
        var schedule = TorchTrajectories.Schedule(scenario);

        // Uninterrupted: N + M steps.
        var straight = TorchTrajectories.InitialParameters(scenario);
        var straightOptimizer = TorchTrajectories.Optimizer(scenario, straight);
        TorchTrajectories.Replay(scenario, straightOptimizer, schedule, 0, total);

        // Interrupted: N steps, save parameters and optimizer state, restore both into fresh objects, M more steps.
        var first = TorchTrajectories.InitialParameters(scenario);
        var firstOptimizer = TorchTrajectories.Optimizer(scenario, first);
        TorchTrajectories.Replay(scenario, firstOptimizer, schedule, 0, n);
        var statePath = Path.Combine(_dir, "optimizer.safetensors");
        var modelPath = Path.Combine(_dir, "model.safetensors");
        firstOptimizer.SaveState(statePath);
        SafeTensorsWriter.Write(modelPath, first.Select(p => (p.Name!, p.ShapeArray, (ReadOnlyMemory<float>)p.ToArray())));

        var resumed = TorchTrajectories.InitialParameters(scenario);
        using (var model = SafeTensorsFile.Open(modelPath))
            foreach (var p in resumed) model.ReadInto(p.Name!, p.AsSpan());
        var resumedOptimizer = TorchTrajectories.Optimizer(scenario, resumed);
        resumedOptimizer.LoadState(statePath);
        Assert.That(resumedOptimizer.StepCount, Is.EqualTo(n));
        Assert.That(resumedOptimizer.LearningRate, Is.EqualTo(firstOptimizer.LearningRate));
        TorchTrajectories.Replay(scenario, resumedOptimizer, schedule, n, total);

        for (int i = 0; i < straight.Length; i++)
            Assert.That(Bits(resumed[i]), Is.EqualTo(Bits(straight[i])), $"parameter {straight[i].Name}");
        Assert.That(resumedOptimizer.StepCount, Is.EqualTo(straightOptimizer.StepCount));

        // The interruption matters: without restoring the state, the continuation differs.
        var cold = TorchTrajectories.InitialParameters(scenario);
        using (var model = SafeTensorsFile.Open(modelPath))
            foreach (var p in cold) model.ReadInto(p.Name!, p.AsSpan());
        TorchTrajectories.Replay(scenario, TorchTrajectories.Optimizer(scenario, cold), schedule, n, total);
        if (scenario.GetProperty("options").GetProperty("optimizer").GetString() == "adamw" || name.Contains("nesterov") || name.Contains("dampening"))
            Assert.That(Bits(cold[0]), Is.Not.EqualTo(Bits(straight[0])));
    }

    [Test]
    public void SaveState_AdamW_WritesNamedMomentsAndScalars()
    {
        var scenario = TorchTrajectories.Scenario("adamw_cosine_clip");
        var parameters = TorchTrajectories.InitialParameters(scenario);
        var optimizer = TorchTrajectories.Optimizer(scenario, parameters);
        TorchTrajectories.Replay(scenario, optimizer, TorchTrajectories.Schedule(scenario), 0, 2);
        var path = Path.Combine(_dir, "state.safetensors");
        optimizer.SaveState(path);

        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.Names.Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "adamw.m.b", "adamw.m.emb", "adamw.m.sometimes", "adamw.m.w",
            "adamw.v.b", "adamw.v.emb", "adamw.v.sometimes", "adamw.v.w",
        }));
        Assert.That(file.GetInfo("adamw.m.emb").Shape, Is.EqualTo(new[] { 2, 3, 7 }));
        var json = file.Metadata["rebel.optimizer"];
        Assert.That(json, Does.Contain("\"optimizer\":\"adamw\"").And.Contain("\"step_count\":2").And.Contain("\"sometimes\":{\"step\":1}"));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "written atomically, no temporary left");
    }

    [Test]
    public void LoadState_FreshOptimizerState_RoundTripsWithNothingAllocated()
    {
        var p = Tensor.Zeros(3);
        p.Name = "p";
        var path = Path.Combine(_dir, "empty.safetensors");
        new AdamW([p]).SaveState(path);
        var restored = new AdamW([p]);
        restored.LoadState(path);
        Assert.That((restored.StepCount, restored.ParameterStep(0)), Is.EqualTo((0L, 0L)));
    }

    [Test]
    public void LoadState_OtherOptimizerKind_Throws()
    {
        var p = Tensor.Zeros(3);
        p.Name = "p";
        var path = Path.Combine(_dir, "sgd.safetensors");
        new Sgd([p]).SaveState(path);
        var e = Assert.Throws<InvalidDataException>(() => new AdamW([p]).LoadState(path))!;
        Assert.That(e.Message, Does.Contain("\"sgd\"").And.Contain("\"adamw\"").And.StartWith(path));
    }

    [Test]
    public void LoadState_DifferentParameters_ThrowsNamingThem()
    {
        var a = Tensor.Zeros(3); a.Name = "a";
        var b = Tensor.Zeros(3); b.Name = "b";
        var path = Path.Combine(_dir, "a.safetensors");
        new AdamW([a]).SaveState(path);
        var e = Assert.Throws<InvalidDataException>(() => new AdamW([b]).LoadState(path))!;
        Assert.That(e.Message, Does.Contain("missing from file [b]").And.Contain("unknown in file [a]"));
    }

    [Test]
    public void LoadState_ShapeMismatch_ThrowsWithBothShapes()
    {
        var a = Tensor.Zeros(2, 3); a.Name = "a";
        var optimizer = new AdamW([a]);
        a.Grad = Tensor.Ones(2, 3);
        optimizer.Step();
        var path = Path.Combine(_dir, "a.safetensors");
        optimizer.SaveState(path);
        var other = Tensor.Zeros(3, 2); other.Name = "a";
        var e = Assert.Throws<InvalidDataException>(() => new AdamW([other]).LoadState(path))!;
        Assert.That(e.Message, Does.Contain("[2, 3]").And.Contain("[3, 2]"));
    }

    [Test]
    public void LoadState_NotAnOptimizerFile_Throws()
    {
        var a = Tensor.Zeros(2); a.Name = "a";
        var path = Path.Combine(_dir, "model.safetensors");
        SafeTensorsWriter.Write(path, [("a", new[] { 2 }, new float[2])]);
        Assert.Throws<InvalidDataException>(() => new Sgd([a]).LoadState(path));
        File.WriteAllBytes(path, new byte[5]);
        Assert.Throws<SafeTensorsFormatException>(() => new Sgd([a]).LoadState(path));
    }

    [Test]
    public void LoadState_BadFile_LeavesStateUntouched()
    {
        var a = Tensor.Zeros(2); a.Name = "a";
        var optimizer = new AdamW([a]);
        a.Grad = Tensor.Ones(2);
        optimizer.Step();
        var b = Tensor.Zeros(2); b.Name = "b";
        var path = Path.Combine(_dir, "b.safetensors");
        new AdamW([b]).SaveState(path);
        Assert.Throws<InvalidDataException>(() => optimizer.LoadState(path));
        Assert.That((optimizer.StepCount, optimizer.ParameterStep(0)), Is.EqualTo((1L, 1L)));
    }
}
