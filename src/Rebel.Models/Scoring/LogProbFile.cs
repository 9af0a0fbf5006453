using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Models.Prompts;
using Rebel.Models.Tokenization;
using Rebel.Tensors;
using Rebel.Tensors.Memory;

namespace Rebel.Models.Scoring;

/// <summary>
/// The <c>rebel logprobs</c> job: reads prompt/completion pairs from a dataset (JSON Lines or Parquet; a file, a folder
/// or a glob: see <see cref="DatasetReader"/>) and writes each record back as a JSON line with <c>logprob</c>
/// (ln π(y|x) at temperature τ) and <c>token_logprobs</c> (one per completion token) added.
/// </summary>
/// <remarks>
/// A record gives ids (<c>prompt_ids</c>, <c>completion_ids</c>, scored as they are), text (<c>prompt</c>,
/// <c>completion</c>, which needs a tokenizer), or a conversation in TRL's SFT shapes (<c>prompt</c> as messages with
/// <c>completion</c> one assistant message, or <c>messages</c> ending with the assistant's reply; column names from a
/// <see cref="ColumnMapping"/>). Text completions get the EOS id appended, because a generated completion that stopped
/// ended with EOS and REBEL's log-probs include it; <c>token_logprobs</c> then has one value more than the completion's
/// text tokens. An empty text prompt becomes the BOS id (or EOS, as in GPT-2). A conversation is rendered by the model's
/// chat format (<see cref="IPromptRenderer"/>) and scored as the assistant turn: its content as plain text, the reply
/// followed by the end-of-turn token (EOS for the ChatML fallback).
/// </remarks>
public static class LogProbFile
{
    /// <summary>Scores <paramref name="inputPath"/> into <paramref name="outputPath"/> (written atomically); returns the record count.</summary>
    /// <param name="model">The model π.</param>
    /// <param name="tokenizer">Its tokenizer (null: only id records can be scored).</param>
    /// <param name="inputPath">The dataset: a file, a folder or a glob.</param>
    /// <param name="outputPath">The JSON Lines written.</param>
    /// <param name="temperature">τ: logits are divided by it.</param>
    /// <param name="batchSize">Pairs per forward pass.</param>
    /// <param name="renderer">Gives the model's chat format, asked for only when a record is a conversation (null: conversations are refused).</param>
    /// <param name="columns">Column names of the text and conversation shapes (default TRL's).</param>
    /// <exception cref="DataFormatException">A record without usable ids, text or messages, or no records; the message names file, line or row, and column.</exception>
    public static int Score(ICausalLanguageModel model, ITokenizer? tokenizer, string inputPath, string outputPath, float temperature = 1f, int batchSize = 16,
        Func<IPromptRenderer>? renderer = null, ColumnMapping? columns = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var c = (columns ?? ColumnMapping.Default).Validate();
        IPromptRenderer? chat = null;
        var records = new List<JsonObject>();
        var pairs = new List<PromptCompletion>();
        foreach (var row in DatasetReader.Read(inputPath))
        {
            pairs.Add(ReadPair(row, c, model, tokenizer, () => chat ??= renderer?.Invoke()));
            records.Add(JsonNode.Parse(row.Value.GetRawText())!.AsObject());
        }
        if (records.Count == 0) throw new DataFormatException(inputPath, 0, "the dataset holds no pairs");

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

    private static PromptCompletion ReadPair(DatasetRow row, ColumnMapping c, ICausalLanguageModel model, ITokenizer? tokenizer, Func<IPromptRenderer?> renderer)
    {
        PromptCompletion pair;
        int? eos = tokenizer?.EosId ?? (model.EosTokenIds.Count > 0 ? model.EosTokenIds[0] : null);
        if (row.Has("prompt_ids") || row.Has("completion_ids"))
            pair = new PromptCompletion(ReadIds(row, "prompt_ids"), ReadIds(row, "completion_ids"));
        else if (tokenizer is null)
            throw row.Error(null, "text prompt/completion needs a tokenizer, but the model directory has none (give prompt_ids and completion_ids instead)");
        else if (!row.Has(c.Messages) && row.Has(c.Prompt) && row.Value.GetProperty(c.Prompt).ValueKind == JsonValueKind.String)
        {
            // text: the ids it always had (special-token text recognised), the completion followed by EOS
            var prompt = tokenizer.Encode(row.RequireString(c.Prompt));
            var completion = tokenizer.Encode(row.RequireString(c.Completion));
            if (prompt.Length == 0)
                prompt = model.BosTokenId is { } bos ? [bos] : eos is { } e ? [e]
                    : throw row.Error(c.Prompt, "empty prompt and no BOS/EOS token to stand for it");
            if (eos is { } end) completion = [.. completion, end];
            pair = new PromptCompletion(prompt, completion);
        }
        else
        {
            // a conversation (TRL's SFT shapes): the assistant turn after the rendered prompt
            var (_, column, example) = Training.SftData.Parse(row, c);
            var chat = renderer();
            var text = row.Render(column, example.Prompt, chat);
            int? end = (chat is null ? null : PromptRenderer.EndOfTurnId(chat, tokenizer)) ?? eos;
            var completion = tokenizer.Encode(example.Completion, allowSpecialTokens: false);
            pair = new PromptCompletion(chat?.Encode(tokenizer, text) ?? tokenizer.Encode(text), end is { } e ? [.. completion, e] : completion);
        }
        if (pair.PromptIds.Length == 0) throw row.Error("prompt_ids", "prompt_ids is empty; it needs at least one id");
        foreach (var id in pair.PromptIds.Concat(pair.CompletionIds))
            if ((uint)id >= (uint)model.VocabSize)
                throw row.Error(null, $"token id {id} is outside the vocabulary [0, {model.VocabSize})");
        if (pair.InputLength > model.ContextLength)
            throw row.Error(null, $"prompt + completion need {pair.InputLength} positions, more than the context length {model.ContextLength}");
        return pair;
    }

    private static int[] ReadIds(DatasetRow row, string field)
    {
        var array = row.Require(field);
        if (array.ValueKind != JsonValueKind.Array)
            throw row.Error(field, $"{row.Name(field)} must be an array of token ids, found {array.ValueKind}");
        var ids = new int[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out ids[i]))
                throw row.Error(field, $"{row.Name(field)} element {i} is not an integer token id");
            i++;
        }
        return ids;
    }
}
