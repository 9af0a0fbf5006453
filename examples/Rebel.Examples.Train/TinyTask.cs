using System.Text.Json;
using Rebel.SelfPlay.Pipeline;
using Rebel.SelfPlay.Training;

namespace Rebel.Examples.Train;

/// <summary>
/// A task small enough to run in seconds: "describe the THING" prompts, a rule judge that likes colour words and short
/// answers (the shipped default task's judge, which is often cyclic), a 1-layer GPT-2 reference and a few iterations.
/// </summary>
internal static class TinyTask
{
    private static readonly string[] Things = ["cat", "house", "river", "car", "tree", "lamp", "ship", "bird", "door", "cup"];
    private static readonly string[] Words = ["red", "blue", "green", "old", "new", "small", "big", "bright", "dark", "warm"];

    /// <summary>The judge: a weighted vote of keyword coverage, descriptive words and brevity.</summary>
    public const string Judge = "vote(1.2*keywords,keywords(red|blue|green|old|new|small|big|bright|dark|soft|warm|cold),1.1*brevity)";

    /// <summary>Writes the task's data files into <paramref name="directory"/>; returns its validated config.</summary>
    public static TrainConfig Write(string directory)
    {
        Directory.CreateDirectory(directory);
        string File(string name, IEnumerable<object> records)
        {
            var path = Path.Combine(directory, name);
            System.IO.File.WriteAllLines(path, records.Select(r => JsonSerializer.Serialize(r)));
            return path;
        }
        string Prompt(int i) => $"describe the {Things[i % Things.Length]}";
        string Answer(int i, int j) => $"the {Words[(i + j) % Words.Length]} {Things[i % Things.Length]} is {Words[(i + 2 * j + 1) % Words.Length]}";

        return new TrainConfig
        {
            Prompts = File("prompts.jsonl", Enumerable.Range(0, 20).Select(i => new { prompt = Prompt(i) })),
            EvalPrompts = File("eval_prompts.jsonl", Enumerable.Range(0, 10).Select(i => new { prompt = $"tell me about the {Things[i]}" })),
            PeriodicEvalPrompts = 4,
            Judge = Judge,
            RunDir = Path.Combine(directory, "run"),
            Gemm = Rebel.Tensors.Kernels.GemmBackend.Managed,
            Reference = new ReferenceConfig
            {
                SftData = File("sft.jsonl", Enumerable.Range(0, 60).Select(i => new { prompt = Prompt(i), completion = Answer(i, i / 10) })),
                VocabSize = 300, NPositions = 32, NEmbd = 32, NLayer = 1, NHead = 2, Steps = 150, BatchSize = 16, LearningRate = 1e-2, WarmupSteps = 10,
            },
            Rebel = new RebelOptions
            {
                Iterations = 3, PromptsPerIteration = 4, SamplesPerPrompt = 2, MinibatchPrompts = 2, MaxNewTokens = 12,
                LearningRate = 1e-3, CheckpointInterval = 1, EvalInterval = 3, OfflineFraction = 0.25,
                OfflineData = File("preferences.jsonl", Enumerable.Range(0, 60).Select(i => new
                {
                    prompt = Prompt(i), chosen = Answer(i, 1), rejected = $"it is a {Things[i % Things.Length]} and nothing else",
                })),
            },
            Baseline = new BaselineConfig { Buckets = 256, Hidden = 16, Epochs = 10, BatchSize = 8 },
            Tournament = new TournamentStageConfig { Prompts = 6, Samples = 1, Checkpoints = 1, BootstrapResamples = 20 },
        }.Validate();
    }
}
