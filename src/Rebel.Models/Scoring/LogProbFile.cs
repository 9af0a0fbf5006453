using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Models.Tokenization;
using Rebel.Tensors;
using Rebel.Tensors.Memory;

namespace Rebel.Models.Scoring;

/// <summary>
/// The <c>rebel logprobs</c> job: reads JSON Lines of prompt/completion pairs and writes each line back with
/// <c>logprob</c> (ln π(y|x) at temperature τ) and <c>token_logprobs</c> (one per completion token) added.
/// </summary>
/// <remarks>
/// A line gives ids (<c>prompt_ids</c>, <c>completion_ids</c>, scored as they are) or text (<c>prompt</c>,
/// <c>completion</c>, which needs a tokenizer). Text completions get the EOS id appended, because a generated
/// completion that stopped ended with EOS and REBEL's log-probs include it; <c>token_logprobs</c> then has one value
/// more than the completion's text tokens. An empty text prompt becomes the BOS id (or EOS, as in GPT-2).
/// </remarks>
public static class LogProbFile
{
    /// <summary>Scores <paramref name="inputPath"/> into <paramref name="outputPath"/> (written atomically); returns the line count.</summary>
    /// <exception cref="DataFormatException">A line without usable ids or text; the message names file and line.</exception>
    public static int Score(ICausalLanguageModel model, ITokenizer? tokenizer, string inputPath, string outputPath, float temperature = 1f, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var records = new List<JsonObject>();
        var pairs = new List<PromptCompletion>();
        foreach (var record in JsonLines.Read(inputPath))
        {
            pairs.Add(ReadPair(record, inputPath, model, tokenizer));
            records.Add(JsonNode.Parse(record.Value.GetRawText())!.AsObject());
        }

        // Batch pairs of similar length together (less padding); write in input order.
        var order = Enumerable.Range(0, pairs.Count).OrderBy(i => pairs[i].InputLength).ToArray();
        using (Tensor.NoGrad())
            for (int start = 0; start < order.Length; start += batchSize)
            {
                using var scope = new TensorScope();
                var chunk = order.Skip(start).Take(batchSize).ToArray();
                var result = SequenceLogProbs.Compute(model, chunk.Select(i => pairs[i]).ToList(), temperature);
                for (int j = 0; j < chunk.Length; j++)
                {
                    var tokens = result.TokenLogProbs(j);
                    records[chunk[j]]["logprob"] = tokens.Sum(v => (double)v);
                    records[chunk[j]]["token_logprobs"] = new JsonArray(tokens.Select(v => (JsonNode)(double)v).ToArray());
                }
            }
        JsonLines.WriteAtomic(outputPath, records);
        return records.Count;
    }

    private static PromptCompletion ReadPair(JsonLines.Record record, string path, ICausalLanguageModel model, ITokenizer? tokenizer)
    {
        var value = record.Value;
        PromptCompletion pair;
        if (value.TryGetProperty("prompt_ids", out _) || value.TryGetProperty("completion_ids", out _))
            pair = new PromptCompletion(ReadIds(record, path, "prompt_ids"), ReadIds(record, path, "completion_ids"));
        else
        {
            if (tokenizer is null)
                throw new DataFormatException(path, record.Line, "text prompt/completion needs a tokenizer, but the model directory has none (give prompt_ids and completion_ids instead)");
            var prompt = tokenizer.Encode(record.RequireString(path, "prompt"));
            var completion = tokenizer.Encode(record.RequireString(path, "completion"));
            int? eos = tokenizer.EosId ?? (model.EosTokenIds.Count > 0 ? model.EosTokenIds[0] : null);
            if (prompt.Length == 0)
                prompt = model.BosTokenId is { } bos ? [bos] : eos is { } e ? [e]
                    : throw new DataFormatException(path, record.Line, "empty prompt and no BOS/EOS token to stand for it");
            if (eos is { } end) completion = [.. completion, end];
            pair = new PromptCompletion(prompt, completion);
        }
        if (pair.PromptIds.Length == 0) throw new DataFormatException(path, record.Line, "prompt_ids is empty; it needs at least one id");
        foreach (var id in pair.PromptIds.Concat(pair.CompletionIds))
            if ((uint)id >= (uint)model.VocabSize)
                throw new DataFormatException(path, record.Line, $"token id {id} is outside the vocabulary [0, {model.VocabSize})");
        if (pair.InputLength > model.ContextLength)
            throw new DataFormatException(path, record.Line, $"prompt + completion need {pair.InputLength} positions, more than the context length {model.ContextLength}");
        return pair;
    }

    private static int[] ReadIds(JsonLines.Record record, string path, string field)
    {
        if (!record.Value.TryGetProperty(field, out var array))
            throw new DataFormatException(path, record.Line, $"missing field \"{field}\"");
        if (array.ValueKind != JsonValueKind.Array)
            throw new DataFormatException(path, record.Line, $"field \"{field}\" must be an array of token ids, found {array.ValueKind}");
        var ids = new int[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out ids[i]))
                throw new DataFormatException(path, record.Line, $"field \"{field}\" element {i} is not an integer token id");
            i++;
        }
        return ids;
    }
}
