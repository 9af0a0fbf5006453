using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rebel.Cli.Progress;
using Rebel.Judges;
using Rebel.Judges.Spec;
using Rebel.Models.Data;
using Rebel.Models.Prompts;
using Rebel.SelfPlay.Evaluation;
using Rebel.SelfPlay.Tournaments;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel eval --policy DIR_OR_FILE --reference DIR_OR_FILE --prompts FILE --judge SPEC --out DIR [--samples N]
/// [--seed S] [--max-new-tokens N] [--temperature T] [--overwrite]</c>: the policy's win rate against the reference (ties ½, 95%
/// bootstrap interval over prompts) and its length-controlled win rate, written to <c>DIR/eval.json</c>, with every
/// verdict in <c>DIR/verdicts.jsonl</c>. Policy and reference are each a model directory, a checkpoint directory
/// (with a <c>model/</c> folder) or a completion file (JSONL <c>{"prompt","completion"}</c>). The run saves its state in
/// DIR as it goes (<see cref="WinRateEvaluator.RunAsync"/>): the same command again resumes an interrupted run, judging
/// only the missing pairs; <c>--overwrite</c> discards a saved run and starts afresh.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var policy = new Option<string>("--policy") { Description = "The evaluated side: model, LoRA adapter or checkpoint directory, or completion file (JSONL {\"prompt\",\"completion\"}).", Required = true };
        var reference = new Option<string>("--reference") { Description = "The reference side, in the same forms.", Required = true };
        var prompts = new Option<FileInfo>("--prompts") { Description = "Prompts: JSONL or Parquet (a file, folder or glob), one {\"prompt\"} per record, text or messages.", Required = true };
        var columns = ColumnsOption.Create();
        var judge = new Option<string>("--judge") { Description = "Judge spec (see rebel judge); the policy's completion is shown as a.", Required = true };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Output directory for eval.json and verdicts.jsonl. It also keeps the run's state (run.json, completions/, verdicts appended as judged): "
                        + "rerunning the same command with the same --out resumes an interrupted run, judging only the missing pairs.",
            Required = true,
        };
        var samples = new Option<int>("--samples") { Description = "Samples per prompt from each side (default 1).", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of sampling and bootstrap (default 0).", DefaultValueFactory = _ => 0 };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Length limit of sampled completions (default 64).", DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature (default 1).", DefaultValueFactory = _ => 1.0 };
        var overwrite = new Option<bool>("--overwrite") { Description = "Discard a run saved in --out (its verdicts are judged again) instead of resuming it." };
        var command = new Command("eval", "Win rate (raw and length-controlled) of a policy or completion file against a reference. "
                                        + "Resumable: verdicts are saved as they are judged, and the same command again resumes an interrupted run.")
        {
            policy, reference, prompts, judge, output, samples, seed, maxNewTokens, temperature, overwrite, columns,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetRequiredValue(policy), parse.GetRequiredValue(reference),
            parse.GetRequiredValue(prompts).FullName, parse.GetRequiredValue(judge), parse.GetRequiredValue(output).FullName,
            new WinRateOptions
            {
                Samples = parse.GetValue(samples), Seed = parse.GetValue(seed), MaxNewTokens = parse.GetValue(maxNewTokens), Temperature = parse.GetValue(temperature),
            },
            parse.GetValue(overwrite), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken, parse.GetValue(columns)));
        return command;
    }

    /// <summary>
    /// Runs (or resumes) the verb; 0 on success, 1 on bad input or a failed judge (the reason goes to <paramref name="error"/>),
    /// 130 when cancelled (what was judged stays saved).
    /// </summary>
    internal static async Task<int> RunAsync(string policyPath, string referencePath, string promptsPath, string spec, string directory,
        WinRateOptions options, bool overwrite, TextWriter output, TextWriter error, CancellationToken cancellationToken, string? columns = null)
    {
        try
        {
            options.Validate();
            var renderer = new Lazy<IPromptRenderer>(() => PromptInput.SharedRenderer([policyPath, referencePath]));
            var numbered = PromptInput.ReadNumbered(promptsPath, ColumnMapping.Parse(columns), () => renderer.Value);
            var prompts = numbered.Select(p => p.Prompt).ToList();
            var resolver = new PlayerResolver(TournamentCommand.LoadFittingPolicy(promptsPath, numbered, renderer), options.Temperature, options.MaxNewTokens);
            var policy = resolver.Resolve(policyPath);
            var reference = resolver.Resolve(referencePath);
            using var parsed = JudgeSpec.Parse(spec);
            using var judge = PromptInput.ShowingConversations(parsed, renderer);
            if (overwrite) WinRateReport.Delete(directory);
            var sides = new JsonObject { ["policy_path"] = Path.GetFullPath(policyPath), ["reference_path"] = Path.GetFullPath(referencePath) };
            var result = await JudgingProgress.RunAsync(judge, prompts.Count * options.Samples, output, error,
                shown => WinRateEvaluator.RunAsync(policy, reference, prompts, shown, directory, options, sides, cancellationToken));
            WinRateReport.Write(result, directory, new JsonObject
            {
                ["policy"] = policy.Name,
                ["reference"] = reference.Name,
                ["judge"] = judge.Id,
                ["seed"] = options.Seed,
                ["temperature"] = options.Temperature,
                ["max_new_tokens"] = options.MaxNewTokens,
            });
            if (result.Resumed > 0)
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"resumed {directory}: {result.Resumed} of {result.Count} verdicts were saved, {result.Count - result.Resumed} judged now"));
            await output.WriteLineAsync(Summary(result, policy.Name, reference.Name));
            await output.WriteLineAsync($"wrote {Path.Combine(directory, "eval.json")}");
            return 0;
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"cancelled; what was judged is saved in {Path.Combine(directory, "verdicts.jsonl")}: rerun the same command to resume");
            return 130;
        }
    }

    private static string Summary(WinRateResult r, string policy, string reference)
    {
        var inv = CultureInfo.InvariantCulture;
        var lc = r.LengthControlled;
        var interval = r.Interval is null ? "no interval (one prompt)" : string.Create(inv, $"{r.Confidence * 100:0.#}% CI [{r.Interval.Lower:0.000}, {r.Interval.Upper:0.000}]");
        var lcText = lc.Converged ? string.Create(inv, $"{lc.WinRate:0.000} ± {lc.StandardError:0.000}, 95% logit interval [{lc.IntervalLower:0.000}, {lc.IntervalUpper:0.000}]") : "undefined (verdicts separated by length)";
        return string.Create(inv, $"{policy} vs {reference}: win rate {r.WinRate:0.000} ± {r.StandardError:0.000}, {interval}\n")
             + string.Create(inv, $"  {r.Wins} wins, {r.Ties} ties, {r.Losses} losses over {r.Prompts} prompts × {r.Samples} samples\n")
             + string.Create(inv, $"  length-controlled win rate {lcText} (mean length {r.MeanLength:0.#} vs {r.MeanReferenceLength:0.#} characters)");
    }
}
