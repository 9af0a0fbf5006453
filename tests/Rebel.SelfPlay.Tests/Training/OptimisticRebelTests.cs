using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>Optimistic REBEL (<see cref="RebelOptions.Optimistic"/>): θ_{t+1} = θ_fit + (v_t − v_{t−1}), v_t = θ_fit − θ_t.</summary>
public class OptimisticRebelTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-optimistic-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string[] Prompts => RebelTrainerTests.Prompts;

    private static string[] Actions => RebelTrainerTests.Actions;

    private static RebelOptions Options(int iterations, bool optimistic) => new()
    {
        Iterations = iterations, PromptsPerIteration = 3, MinibatchPrompts = 2, SamplesPerPrompt = 4, Epochs = 2,
        LearningRate = 0.05, WeightDecay = 0, CheckpointInterval = 2, EvalInterval = 0, Seed = 5, Eta = 1.0,
        Beta = 0.1, MagnetResetInterval = 2, Optimistic = optimistic,
    };

    private RebelTrainer Trainer(IPolicy policy, RebelOptions options, string run, ITrainingObserver? observer = null) =>
        new(policy, new CategoricalPolicy(Prompts, Actions), options, Path.Combine(_dir, run))
        { TrainPrompts = Prompts, Judge = RebelTrainerTests.Ordered(), Observer = observer };

    /// <summary>Records θ after every iteration.</summary>
    private sealed class Parameters(CategoricalPolicy policy) : ITrainingObserver
    {
        public List<float[]> AfterIteration { get; } = [];

        public void OnStart(int firstIteration, int iterations) { }

        public void OnPhase(int iteration, string phase) { }

        public void OnIteration(int iteration, IReadOnlyDictionary<string, double> metrics) => AfterIteration.Add(policy.Logits.ToArray());
    }

    [Test]
    public async Task FirstIterationIsPlain_TheSecondExtrapolatesWithThePreviousStep()
    {
        // The regression, sampling and AdamW state do not depend on the extrapolation until θ differs, so a plain run's
        // θ_1 and θ_2 are the optimistic run's θ_1 and fitted θ_fit,2: θ_2^opt = θ_2 + (θ_2 − θ_1) − (θ_1 − θ_0).
        var plainPolicy = new CategoricalPolicy(Prompts, Actions);
        var theta0 = plainPolicy.Logits.ToArray();
        var plain = new Parameters(plainPolicy);
        await Trainer(plainPolicy, Options(2, optimistic: false), "plain", plain).RunAsync();
        var optimisticPolicy = new CategoricalPolicy(Prompts, Actions);
        var optimistic = new Parameters(optimisticPolicy);
        await Trainer(optimisticPolicy, Options(2, optimistic: true), "optimistic", optimistic).RunAsync();

        Assert.That(optimistic.AfterIteration[0], Is.EqualTo(plain.AfterIteration[0]), "v_0 = v_1: the first step is plain");
        var (theta1, theta2) = (plain.AfterIteration[0], plain.AfterIteration[1]);
        var expected = theta2.Select((t2, k) => t2 + (t2 - theta1[k]) - (theta1[k] - theta0[k])).ToArray();
        Assert.That(optimistic.AfterIteration[1], Is.EqualTo(expected).Within(1e-6));
        Assert.That(optimistic.AfterIteration[1], Is.Not.EqualTo(theta2), "the second step is extrapolated");
    }

    [Test]
    public async Task Resume_AfterInterruption_MatchesAnUninterruptedRunExactly()
    {
        var straight = new CategoricalPolicy(Prompts, Actions);
        await Trainer(straight, Options(6, optimistic: true), "straight").RunAsync();

        await Trainer(new CategoricalPolicy(Prompts, Actions), Options(4, optimistic: true), "resumed").RunAsync();
        Assert.That(File.Exists(StepFile("resumed", 4)));
        var resumed = new CategoricalPolicy(Prompts, Actions); // fresh: v_{t−1} must come from the checkpoint
        await Trainer(resumed, Options(6, optimistic: true), "resumed").RunAsync(resume: true);

        Assert.That(resumed.Logits.ToArray(), Is.EqualTo(straight.Logits.ToArray()));
    }

    [Test]
    public async Task Resume_FromACheckpointWithoutTheStep_IsRefused()
    {
        await Trainer(new CategoricalPolicy(Prompts, Actions), Options(4, optimistic: true), "run").RunAsync();
        File.Delete(StepFile("run", 4));
        var error = Assert.ThrowsAsync<InvalidDataException>(() =>
            Trainer(new CategoricalPolicy(Prompts, Actions), Options(6, optimistic: true), "run").RunAsync(resume: true));
        Assert.That(error!.Message, Does.Contain("optimistic_step.safetensors").And.Contain("missing"));
    }

    private string StepFile(string run, int iteration) =>
        Path.Combine(new CheckpointStore(Path.Combine(_dir, run)).PathOf(iteration), OptimisticStep.FileName);
}
