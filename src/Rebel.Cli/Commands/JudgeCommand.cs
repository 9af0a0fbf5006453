using System.CommandLine;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Judges;
using Rebel.Judges.Spec;
using Rebel.Models.Data;
using Rebel.Preference;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel judge --judge SPEC --input PAIRS.jsonl --output OUT.jsonl</c>: runs any judge over a file of pairs. Each
/// input line is <c>{"prompt","a","b"}</c> (other fields are kept); each output line repeats it and adds
/// <c>p</c> = P(a ≻ b) (replacing an existing <c>p</c>). The output is written atomically once every pair is judged.
/// </summary>
internal static class JudgeCommand
{
    /// <summary>Pairs sent to the judge per call unless <c>--batch-size</c> says otherwise.</summary>
    public const int DefaultBatchSize = 64;

    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var judge = new Option<string>("--judge") { Description = "Judge spec, e.g. vote(length,keywords,diversity), openai:MODEL@URL, process:CMD, cache(FILE,SPEC).", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "Pairs JSONL: one {\"prompt\",\"a\",\"b\"} per line.", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Output JSONL: each input line with p = P(a ≻ b) added.", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = $"Pairs per judge call (default {DefaultBatchSize}).", DefaultValueFactory = _ => DefaultBatchSize };
        var command = new Command("judge", "Judge every pair of a JSONL file with a pairwise judge.") { judge, input, output, batchSize };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetRequiredValue(judge), parse.GetRequiredValue(input).FullName, parse.GetRequiredValue(output).FullName,
            parse.GetValue(batchSize), parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    /// <summary>Runs the verb; returns 0 on success, 1 on bad input or a failed judge (the reason goes to <paramref name="error"/>).</summary>
    internal static async Task<int> RunAsync(string spec, string inputPath, string outputPath, int batchSize, TextWriter error, CancellationToken cancellationToken)
    {
        if (batchSize < 1)
        {
            await error.WriteLineAsync($"--batch-size must be at least 1 (got {batchSize}).");
            return 1;
        }
        try
        {
            AtomicFile.CheckWritable(outputPath);                              // before any pair is judged
            var (lines, records, comparisons) = ReadPairs(inputPath);
            using var judge = JudgeSpec.Parse(spec);
            var p = await JudgeAllAsync(judge, comparisons, lines, inputPath, batchSize, error, cancellationToken);
            for (int i = 0; i < records.Count; i++) records[i]["p"] = p[i];
            JsonLines.WriteAtomic(outputPath, records, Output);
            return 0;
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error);
        }
    }

    private static (List<int> Lines, List<JsonObject> Records, List<Comparison> Comparisons) ReadPairs(string path)
    {
        var lines = new List<int>();
        var records = new List<JsonObject>();
        var comparisons = new List<Comparison>();
        foreach (var record in JsonLines.Read(path))
        {
            var comparison = new Comparison(record.RequireString(path, "prompt"), record.RequireString(path, "a"), record.RequireString(path, "b"));
            lines.Add(record.Line);
            records.Add(JsonObject.Create(record.Value)!.DeepClone().AsObject());
            comparisons.Add(comparison);
        }
        return (lines, records, comparisons);
    }

    private static async Task<double[]> JudgeAllAsync(IPairwiseJudge judge, List<Comparison> comparisons, List<int> lines, string inputPath,
        int batchSize, TextWriter error, CancellationToken cancellationToken)
    {
        var p = new double[comparisons.Count];
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        for (int start = 0; start < comparisons.Count; start += batchSize)
        {
            var batch = comparisons.GetRange(start, Math.Min(batchSize, comparisons.Count - start));
            IReadOnlyList<Verdict> verdicts;
            try
            {
                verdicts = await judge.JudgeAsync(batch, cancellationToken);
            }
            catch (JudgeException e) when (e.Index >= 0 && e.Index < batch.Count)
            {
                var item = batch[e.Index];
                throw new JudgeException(e.JudgeId, $"{inputPath}:{lines[start + e.Index]} (prompt \"{JudgeException.Excerpt(item.Prompt)}\"): {e.Reason}", e);
            }
            if (verdicts.Count != batch.Count)
                throw new JudgeException(judge.Id, $"returned {verdicts.Count} verdicts for {batch.Count} pairs");
            for (int i = 0; i < verdicts.Count; i++) p[start + i] = verdicts[i].P;

            int done = start + batch.Count;
            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(2) && done < comparisons.Count)
            {
                lastReport = clock.Elapsed;
                await error.WriteLineAsync($"judged {done}/{comparisons.Count} pairs ({done / clock.Elapsed.TotalSeconds:0} pairs/s)");
            }
        }
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        await error.WriteLineAsync($"judged {comparisons.Count} pairs in {seconds:0.###} s ({comparisons.Count / seconds:0} pairs/s) with {judge.Id}");
        return p;
    }
}
