using System.CommandLine;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Judges;
using Rebel.Judges.Spec;
using Rebel.Models.Data;
using Rebel.Preference;
using Rebel.Preference.Data;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel judge --judge SPEC --input PAIRS --output OUT.jsonl [--columns …]</c>: runs any judge over a dataset of pairs
/// (JSON Lines or Parquet; a file, a folder or a glob). Each input record is <c>{"prompt","a","b"}</c>, or a TRL
/// preference record (<c>prompt</c>/<c>chosen</c>/<c>rejected</c>, conversational, implicit prompt: a = chosen,
/// b = rejected); a prompt may be a conversation, which the judge receives as its messages (the comparison's text is the
/// messages as compact JSON). Other fields are kept; each output line repeats the record and adds <c>p</c> = P(a ≻ b)
/// (replacing an existing <c>p</c>). The output is written atomically once every pair is judged.
/// </summary>
internal static class JudgeCommand
{
    /// <summary>Pairs sent to the judge per call unless <c>--batch-size</c> says otherwise.</summary>
    public const int DefaultBatchSize = 64;

    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var judge = new Option<string>("--judge") { Description = "Judge spec, e.g. vote(length,keywords,diversity), openai:MODEL@URL, process:CMD, cache(FILE,SPEC).", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "Pairs dataset (JSONL or Parquet file, folder or glob): {\"prompt\",\"a\",\"b\"} or TRL prompt/chosen/rejected records; prompts may be conversations.", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Output JSONL: each input line with p = P(a ≻ b) added.", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = $"Pairs per judge call (default {DefaultBatchSize}).", DefaultValueFactory = _ => DefaultBatchSize };
        var columns = ColumnsOption.Create();
        var command = new Command("judge", "Judge every pair of a dataset with a pairwise judge.") { judge, input, output, batchSize, columns };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetRequiredValue(judge), parse.GetRequiredValue(input).FullName, parse.GetRequiredValue(output).FullName,
            parse.GetValue(batchSize), parse.InvocationConfiguration.Error, cancellationToken, parse.GetValue(columns)));
        return command;
    }

    /// <summary>Runs the verb; returns 0 on success, 1 on bad input or a failed judge (the reason goes to <paramref name="error"/>).</summary>
    internal static async Task<int> RunAsync(string spec, string inputPath, string outputPath, int batchSize, TextWriter error, CancellationToken cancellationToken,
        string? columns = null)
    {
        if (batchSize < 1)
        {
            await error.WriteLineAsync($"--batch-size must be at least 1 (got {batchSize}).");
            return 1;
        }
        try
        {
            AtomicFile.CheckWritable(outputPath);                              // before any pair is judged
            var (lines, records, comparisons) = ReadPairs(inputPath, ColumnMapping.Parse(columns));
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

    private static (List<int> Lines, List<JsonObject> Records, List<Comparison> Comparisons) ReadPairs(string path, ColumnMapping columns)
    {
        var lines = new List<int>();
        var records = new List<JsonObject>();
        var comparisons = new List<Comparison>();
        foreach (var row in DatasetReader.Read(path))
        {
            lines.Add(row.Number);
            records.Add(JsonNode.Parse(row.Value.GetRawText())!.AsObject());
            comparisons.Add(ReadPair(row, columns));
        }
        if (comparisons.Count == 0) throw new DataFormatException(path, 0, "the dataset holds no pairs");
        return (lines, records, comparisons);
    }

    /// <summary>
    /// One pair: <c>a</c>/<c>b</c> (text as it is, or one assistant message) after a text or conversation prompt, else a
    /// TRL preference record read as (chosen, rejected). A conversation's text is its messages as compact JSON.
    /// </summary>
    private static Comparison ReadPair(DatasetRow row, ColumnMapping c)
    {
        Models.Prompts.Prompt prompt;
        string a, b;
        if (row.Has(c.A) || row.Has(c.B))
        {
            prompt = row.RequirePrompt(c.Prompt);
            a = Side(row, c.A);
            b = Side(row, c.B);
        }
        else
        {
            var example = PreferenceDataset.ParseRecord(row, c);
            (prompt, a, b) = (example.Prompt, example.A, example.B);
        }
        return prompt.Messages is { } messages
            ? new Comparison(prompt.ToJson().ToJsonString(Output), a, b) { Messages = messages }
            : new Comparison(prompt.Text!, a, b);
    }

    /// <summary>A completion: a string as it is (may be empty, as before), or a list of one assistant message.</summary>
    private static string Side(DatasetRow row, string column) =>
        row.Has(column) && row.Value.GetProperty(column).ValueKind == System.Text.Json.JsonValueKind.String ? row.RequireString(column) : row.RequireCompletion(column);

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
