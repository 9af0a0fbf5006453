using Rebel.Judges;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>Nash-MD in the trainer: samples from π_t^(1−ηβ)·π_ref^(ηβ), regresses ln π_θ/π_t^μ onto η(l − ½).</summary>
public class NashMdTrainerTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-nashmd-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Prompts = ["p0", "p1", "p2"];
    private static readonly string[] Actions = ["bad", "ok", "good", "best"];

    private static RebelOptions Options(int iterations) => new()
    {
        Loss = "nash-md", Iterations = iterations, PromptsPerIteration = 3, MinibatchPrompts = 3, SamplesPerPrompt = 6,
        Epochs = 2, LearningRate = 0.15, CheckpointInterval = 0, EvalInterval = 0, Seed = 7, Eta = 1.0, Beta = 0.2,
    };

    [Test]
    public async Task AllTies_OneWellFittedStep_IsTheMixtureItself()
    {
        // With l = ½ everywhere Nash-MD's step is π_{t+1} = π_t^μ ∝ π_t^(1−w)·π_ref^w: the targets carry only the anchor
        // term, so fitting them exactly must land on the mixture (η = 0.5 checks that term's weight 1/η).
        var policy = new CategoricalPolicy(Prompts, Actions);
        float[] start = [1f, 0f, -0.5f, 0.5f];
        for (int c = 0; c < Prompts.Length; c++) start.CopyTo(policy.Logits.AsSpan().Slice(c * Actions.Length, Actions.Length));
        var reference = new CategoricalPolicy(Prompts, Actions); // uniform
        const double eta = 0.5, w = 0.5;
        var options = Options(1) with { Eta = eta, Beta = w / eta, SamplesPerPrompt = 32, Epochs = 300, LearningRate = 0.05, BatchWinRate = false };
        await new RebelTrainer(policy, reference, options, Path.Combine(_dir, "ties"))
        { TrainPrompts = Prompts, Judge = new FunctionJudge("tie", _ => 0.5) }.RunAsync();

        var expected = Softmax(start.Select(z => (1 - w) * z).ToArray()); // π_ref uniform: π^μ ∝ e^((1−w)θ)
        foreach (var p in Prompts)
            Assert.That(policy.Probabilities(p), Is.EqualTo(expected).Within(0.02), $"π_1(· | {p})");
    }

    [Test]
    public async Task TransitiveJudge_RaisesTheBestAction_AndLogsItsLoss()
    {
        var policy = new CategoricalPolicy(Prompts, Actions);
        var judge = new FunctionJudge("ordered", c => Math.Sign(Array.IndexOf(Actions, c.A) - Array.IndexOf(Actions, c.B)) * 0.5 + 0.5);
        await new RebelTrainer(policy, new CategoricalPolicy(Prompts, Actions), Options(10), Path.Combine(_dir, "ordered"))
        { TrainPrompts = Prompts, Judge = judge }.RunAsync();
        var rows = MetricsLog.Read(Path.Combine(_dir, "ordered", "metrics.jsonl"));
        Assert.That(rows[0].Keys, Is.SupersetOf(new[] { "loss/nash-md", "policy/kl_ref", "policy/win_rate_vs_ref_batch" }));
        Assert.That(rows[0]["judge/calls"], Is.EqualTo(3 * 15));
        foreach (var p in Prompts)
            Assert.That(policy.Probabilities(p)[3], Is.EqualTo(policy.Probabilities(p).Max()).And.GreaterThan(0.4), $"π_T(best | {p})");
        Assert.That(rows[^1]["policy/kl_ref"], Is.GreaterThan(rows[0]["policy/kl_ref"]));
    }

    [Test]
    public void CategoricalMixture_DrawsFromTheNormalizedGeometricMean()
    {
        var policy = new CategoricalPolicy(Prompts, Actions);
        new float[] { 2f, 0f, 0f, -1f }.CopyTo(policy.Logits.AsSpan());
        var other = new CategoricalPolicy(Prompts, Actions);
        new float[] { -1f, 0f, 1f, 0f }.CopyTo(other.Logits.AsSpan());
        var samples = policy.SampleMixture(other, 0.25, ["p0"], 4000, 1.0, 1, new Rng(3));
        var expected = Softmax([0.75 * 2 - 0.25, 0, 0.25, -0.75]);
        for (int a = 0; a < Actions.Length; a++)
        {
            var drawn = samples.Where(s => s.Completion.Tokens[0] == a).ToList();
            Assert.That(drawn.Count / 4000.0, Is.EqualTo(expected[a]).Within(0.025), $"frequency of {Actions[a]}");
            Assert.That(drawn.Select(s => s.LogProb).Distinct().Single(), Is.EqualTo(Math.Log(expected[a])).Within(1e-5));
        }
        Assert.Throws<ArgumentException>(() => policy.SampleMixture(other, 1.5, ["p0"], 1, 1.0, 1, new Rng(1)));
        Assert.Throws<ArgumentException>(() => policy.SampleMixture(new CategoricalPolicy(Prompts, ["x", "y"]), 0.5, ["p0"], 1, 1.0, 1, new Rng(1)));
    }

    [Test]
    public void BadSetups_AreClearErrors()
    {
        string Problem(RebelOptions o) => Assert.Throws<ArgumentException>(() => o.Validate())!.Message;
        Assert.That(Problem(Options(1) with { Beta = 0 }), Does.Contain("eta·beta"));
        Assert.That(Problem(Options(1) with { Eta = 2, Beta = 0.6 }), Does.Contain("eta·beta"));
        Assert.That(Problem(Options(1) with { OfflineFraction = 0.2, OfflineData = "x.jsonl" }), Does.Contain("offline_fraction must be 0"));
        Assert.That(Problem(Options(1) with { MagnetResetInterval = 5 }), Does.Contain("magnet_reset_interval"));

        var trainer = new RebelTrainer(new NoMixture(new CategoricalPolicy(Prompts, Actions)), new CategoricalPolicy(Prompts, Actions), Options(1), Path.Combine(_dir, "x"))
        { TrainPrompts = Prompts, Judge = new FunctionJudge("tie", _ => 0.5) };
        Assert.That(async () => await trainer.RunAsync(), Throws.InvalidOperationException.With.Message.Contains("geometric mixtures"));
    }

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    /// <summary>A policy that cannot sample mixtures.</summary>
    private sealed class NoMixture(CategoricalPolicy inner) : IPolicy
    {
        public IReadOnlyList<Tensor> Parameters => inner.Parameters;
        public IReadOnlyList<Completion> Sample(IReadOnlyList<string> prompts, int samplesPerPrompt, double temperature, int maxNewTokens, Rng rng) =>
            inner.Sample(prompts, samplesPerPrompt, temperature, maxNewTokens, rng);
        public Tensor LogProbs(IReadOnlyList<Completion> completions, double temperature) => inner.LogProbs(completions, temperature);
        public Completion Encode(string prompt, string text) => inner.Encode(prompt, text);
        public IPolicy Snapshot() => inner.Snapshot();
        public void Save(string directory) => inner.Save(directory);
        public void LoadParameters(string directory) => inner.LoadParameters(directory);
    }
}
