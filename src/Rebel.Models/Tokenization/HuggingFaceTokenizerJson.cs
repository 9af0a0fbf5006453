using System.Text.Json;
using Rebel.Models.Data;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Hugging Face <c>tokenizer.json</c>, restricted to what byte-level BPE uses: <c>model</c> of type BPE (vocab,
/// merges as "a b" strings or [a, b] pairs), a ByteLevel <c>pre_tokenizer</c>, no normalizer, and
/// <c>added_tokens</c> (all read as special tokens). Anything else is rejected with the field that is not supported.
/// </summary>
internal static class HuggingFaceTokenizerJson
{
    /// <summary>What a tokenizer.json holds.</summary>
    public sealed record Contents(
        Dictionary<string, int> Vocab, List<BpeMerge> Merges, Dictionary<string, int> AddedTokens, bool AddPrefixSpace);

    public static Contents Read(string path)
    {
        using var doc = VocabMergesFormat.ParseJson(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Bad(path, $"expected a JSON object, found {root.ValueKind}");

        if (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind != JsonValueKind.Null)
            throw Bad(path, $"normalizer {TypeOf(normalizer)} is not supported (byte-level BPE uses none)");

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw Bad(path, "missing \"model\" object");
        if (TypeOf(model) != "BPE") throw Bad(path, $"model type {TypeOf(model)} is not supported (only BPE)");
        foreach (var field in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0)
                throw Bad(path, $"model.{field} \"{v.GetString()}\" is not supported by byte-level BPE");
        }
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
            throw Bad(path, $"model.dropout {dropout.GetDouble()} is not supported (encoding is deterministic)");
        if (model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True)
            throw Bad(path, "model.byte_fallback is not supported (byte-level BPE needs no fallback)");

        if (!model.TryGetProperty("vocab", out var vocabElement)) throw Bad(path, "missing \"model.vocab\"");
        var vocab = VocabMergesFormat.ReadVocabObject(vocabElement, path, "model.vocab");
        var merges = ReadMerges(model, vocab, path);
        bool addPrefixSpace = ReadPreTokenizer(root, path);
        var added = ReadAddedTokens(root, path);
        return new Contents(vocab, merges, added, addPrefixSpace);
    }

    private static List<BpeMerge> ReadMerges(JsonElement model, Dictionary<string, int> vocab, string path)
    {
        if (!model.TryGetProperty("merges", out var element) || element.ValueKind != JsonValueKind.Array)
            throw Bad(path, "missing \"model.merges\" array");
        var merges = new List<BpeMerge>();
        int index = 0;
        foreach (var item in element.EnumerateArray())
        {
            BpeMerge merge;
            if (item.ValueKind == JsonValueKind.String && item.GetString()!.Split(' ') is [{ Length: > 0 } a, { Length: > 0 } b])
                merge = new BpeMerge(a, b);
            else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2
                     && item[0].ValueKind == JsonValueKind.String && item[1].ValueKind == JsonValueKind.String)
                merge = new BpeMerge(item[0].GetString()!, item[1].GetString()!);
            else
                throw Bad(path, $"model.merges[{index}] must be \"left right\" or [\"left\", \"right\"], found {item}");
            try
            {
                VocabMergesFormat.CheckMerge(merge, vocab, path, 0);
            }
            catch (DataFormatException e)
            {
                throw Bad(path, $"model.merges[{index}]: {e.Problem}");
            }
            merges.Add(merge);
            index++;
        }
        return merges;
    }

    /// <summary>Returns add_prefix_space of the ByteLevel pre-tokenizer.</summary>
    private static bool ReadPreTokenizer(JsonElement root, string path)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
            throw Bad(path, "missing \"pre_tokenizer\" (byte-level BPE needs a ByteLevel pre-tokenizer)");
        if (TypeOf(pre) != "ByteLevel") throw Bad(path, $"pre_tokenizer {TypeOf(pre)} is not supported (only ByteLevel)");
        if (pre.TryGetProperty("use_regex", out var useRegex) && useRegex.ValueKind == JsonValueKind.False)
            throw Bad(path, "pre_tokenizer.use_regex false is not supported (GPT-2 splits with its regex)");
        return pre.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True;
    }

    private static Dictionary<string, int> ReadAddedTokens(JsonElement root, string path)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!root.TryGetProperty("added_tokens", out var list) || list.ValueKind == JsonValueKind.Null) return added;
        if (list.ValueKind != JsonValueKind.Array) throw Bad(path, "\"added_tokens\" must be an array");
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("id", out var id) || !id.TryGetInt32(out int value) || value < 0
                || !item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw Bad(path, $"added_tokens[{index}] must have a non-negative integer \"id\" and a string \"content\"");
            if (!added.TryAdd(content.GetString()!, value))
                throw Bad(path, $"added_tokens[{index}]: \"{content.GetString()}\" appears twice");
            index++;
        }
        return added;
    }

    /// <summary>Writes the tokenizer as Hugging Face's GPT-2 tokenizer.json does.</summary>
    public static void Write(ByteLevelBpeTokenizer tokenizer, string path)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, VocabMergesFormat.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            foreach (var (content, id) in tokenizer.SpecialTokens.OrderBy(s => s.Value))
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("content", content);
                w.WriteBoolean("single_word", false);
                w.WriteBoolean("lstrip", false);
                w.WriteBoolean("rstrip", false);
                w.WriteBoolean("normalized", false);
                w.WriteBoolean("special", true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNull("normalizer");
            WriteByteLevel(w, "pre_tokenizer", tokenizer.AddPrefixSpace, trimOffsets: true);
            WriteByteLevel(w, "post_processor", addPrefixSpace: true, trimOffsets: false);
            WriteByteLevel(w, "decoder", addPrefixSpace: true, trimOffsets: true);
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteNull("unk_token");
            w.WriteString("continuing_subword_prefix", "");
            w.WriteString("end_of_word_suffix", "");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            w.WriteBoolean("ignore_merges", false);
            w.WritePropertyName("vocab");
            VocabMergesFormat.WriteVocabObject(w, TokenizerFiles.VocabWithSpecials(tokenizer));
            w.WriteStartArray("merges");
            foreach (var m in tokenizer.Merges) w.WriteStringValue(m.ToString());
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        AtomicFile.WriteAllBytes(path, stream.GetBuffer().AsSpan(0, (int)stream.Length));
    }

    private static void WriteByteLevel(Utf8JsonWriter w, string name, bool addPrefixSpace, bool trimOffsets)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", addPrefixSpace);
        w.WriteBoolean("trim_offsets", trimOffsets);
        w.WriteBoolean("use_regex", true);
        w.WriteEndObject();
    }

    private static string TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()! : element.ValueKind.ToString();

    private static DataFormatException Bad(string path, string problem) => new(path, 0, problem);
}
