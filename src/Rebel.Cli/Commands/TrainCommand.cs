using System.CommandLine;
using Rebel.Cli.Training;
using Rebel.Judges;
using Rebel.Judges.Spec;
using Rebel.Models.Data;
using Rebel.Preference.Data;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;
using Spectre.Console;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel train [--config FILE] [--resume]</c>: REBEL self-play on a GPT-2-family policy against any judge spec,
/// with metrics, checkpoints and exact resume in the run directory.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The configuration used when <c>--config</c> is not given.</summary>
    public const string DefaultConfig = "data/default.json";

    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = $"Run configuration (JSON; see docs/selfplay.md). Default: {DefaultConfig}." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest checkpoint in the run directory." };
        var command = new Command("train", "Train a policy with REBEL self-play against a pairwise judge.") { config, resume };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)?.FullName ?? DefaultConfig, parse.GetValue(resume),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    internal static async Task<int> RunAsync(string configPath, bool resume, TextWriter output, TextWriter error, CancellationToken ct)
    {
        TrainConfig config;
        try
        {
            config = TrainConfig.Load(configPath);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            await error.WriteLineAsync(e.Message);
            if (configPath == DefaultConfig && e is FileNotFoundException)
                await error.WriteLineAsync("No default task is shipped yet; run `rebel train --config FILE` with your own model, prompts and judge (see docs/selfplay.md).");
            return 1;
        }

        try
        {
            var policy = TransformerPolicy.Load(config.Model);
            var reference = policy.Snapshot();                                   // π_ref: frozen copy of the start
            using var judge = JudgeSpec.Parse(config.Judge);
            var options = config.Rebel;
            Directory.CreateDirectory(config.RunDir);
            File.WriteAllText(Path.Combine(config.RunDir, "config.json"), config.ToJson());
            var prompts = PromptFile.Read(config.Prompts);
            var evalPrompts = config.EvalPrompts is null ? [] : PromptFile.Read(config.EvalPrompts);
            var offline = options.OfflineData is null ? [] : PreferenceDataset.Read(options.OfflineData).ToList();
            RebelTrainer Build(ITrainingObserver observer) => new(policy, reference, options, config.RunDir)
            {
                TrainPrompts = prompts, EvalPrompts = evalPrompts, Judge = judge, Offline = offline, Observer = observer,
            };
            bool interactive = output == Console.Out && !Console.IsOutputRedirected;
            var final = interactive
                ? await AnsiConsole.Progress().AutoClear(false).StartAsync(ctx =>
                    Build(new SpectreTrainingObserver(ctx.AddTask("REBEL", maxValue: options.Iterations))).RunAsync(resume, ct))
                : await Build(new ConsoleTrainingObserver(output)).RunAsync(resume, ct);
            await output.WriteLineAsync($"Done. Final checkpoint: {final}");
            await output.WriteLineAsync($"Metrics: {Path.Combine(config.RunDir, "metrics.jsonl")}");
            return 0;
        }
        catch (TrainingDivergedException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (Exception e) when (e is JudgeSpecException or JudgeException or DataFormatException or FileNotFoundException
                                   or InvalidDataException or InvalidOperationException or ArgumentException)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
    }
}
