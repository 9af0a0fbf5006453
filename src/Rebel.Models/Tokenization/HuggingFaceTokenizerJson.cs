using System.Text.Json;
using Rebel.Models.Data;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Hugging Face's <c>tokenizer.json</c> for BPE models, mapped onto Rebel's runtime: byte-level families (a ByteLevel
/// pre-tokenizer, alone or after a Split regex or Digits) onto <see cref="ByteLevelBpeModel"/>, SentencePiece-style
/// ones ("▁" normalizer or Metaspace, byte fallback) onto <see cref="SentencePieceBpeModel"/>; added tokens, and the
/// post-processor's tokens around a single sequence. A field outside what these cover is refused with its name.
/// </summary>
internal static class HuggingFaceTokenizerJson
{
    /// <summary>What a tokenizer.json gives the runtime.</summary>
    public sealed record Contents(ITokenModel Model, List<AddedToken> Added, List<int> Prefix, List<int> Suffix, Dictionary<string, int> Vocab);

    public static Contents Read(string path)
    {
        using var doc = VocabMergesFormat.ParseJson(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Bad(path, $"expected a JSON object, found {root.ValueKind}");

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw Bad(path, "missing \"model\" object");
        if (TypeOf(model) != "BPE") throw Bad(path, $"model type {TypeOf(model)} is not supported (only BPE)");
        foreach (var field in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0)
                throw Bad(path, $"model.{field} \"{v.GetString()}\" is not supported");
        }
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
            throw Bad(path, $"model.dropout {dropout.GetDouble()} is not supported (encoding is deterministic)");
        if (!model.TryGetProperty("vocab", out var vocabElement)) throw Bad(path, "missing \"model.vocab\"");
        var vocab = VocabMergesFormat.ReadVocabObject(vocabElement, path, "model.vocab");
        var merges = ReadMerges(model, vocab, path);
        bool ignoreMerges = IsTrue(model, "ignore_merges");

        var normalizer = Field(root, "normalizer");
        var pre = Field(root, "pre_tokenizer");
        ITokenModel tokenModel;
        Func<string, bool> normalizerChanges;
        try
        {
            if (pre is { } p && Steps(p, "pretokenizers").Any(s => TypeOf(s) == "ByteLevel"))
            {
                if (IsTrue(model, "byte_fallback")) throw Bad(path, "model.byte_fallback with a ByteLevel pre-tokenizer is not supported");
                var options = ByteLevelOptions(normalizer, p, ignoreMerges, path);
                CheckDecoder(root, path, "ByteLevel");
                tokenModel = new ByteLevelBpeModel(vocab, merges, options);
                normalizerChanges = options.Nfc ? s => !Normalization.UnicodeNfc.IsNormalized(s) : _ => false;
            }
            else
            {
                var options = SentencePieceOptions(root, normalizer, pre, model, ignoreMerges, path);
                string? unk = model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                tokenModel = new SentencePieceBpeModel(vocab, merges, unk, options);
                normalizerChanges = s => s.Contains(' ');
            }
        }
        catch (ArgumentException e)
        {
            throw Bad(path, e.Message.Split(" (Parameter")[0]);
        }
        var added = ReadAddedTokens(root, path, normalizerChanges);
        var (prefix, suffix) = ReadPostProcessor(root, path);
        return new Contents(tokenModel, added, prefix, suffix, vocab);
    }

    private static ByteLevelBpeModel.ByteLevelOptions ByteLevelOptions(JsonElement? normalizer, JsonElement pre, bool ignoreMerges, string path)
    {
        bool nfc = false;
        if (normalizer is { } n)
        {
            if (TypeOf(n) != "NFC") throw Bad(path, $"normalizer {TypeOf(n)} is not supported with a ByteLevel pre-tokenizer (only NFC)");
            nfc = true;
        }
        var steps = Steps(pre, "pretokenizers").ToList();
        var byteLevel = steps[^1];
        if (TypeOf(byteLevel) != "ByteLevel") throw Bad(path, "pre_tokenizer: ByteLevel must be the last step");
        bool useRegex = !(byteLevel.TryGetProperty("use_regex", out var ur) && ur.ValueKind == JsonValueKind.False);
        bool prefixSpace = IsTrue(byteLevel, "add_prefix_space");
        string? pattern = useRegex ? ByteLevelBpeModel.Gpt2Pattern : null;
        bool digits = false;
        foreach (var step in steps.Take(steps.Count - 1))
        {
            switch (TypeOf(step))
            {
                case "Split" when !useRegex && pattern is null:
                    if (!step.TryGetProperty("pattern", out var pat) || !pat.TryGetProperty("Regex", out var regex) || regex.ValueKind != JsonValueKind.String)
                        throw Bad(path, "pre_tokenizer Split: only a {\"Regex\": ...} pattern is supported");
                    if (!step.TryGetProperty("behavior", out var behavior) || behavior.GetString() != "Isolated" || IsTrue(step, "invert"))
                        throw Bad(path, "pre_tokenizer Split: only behavior Isolated without invert is supported");
                    pattern = regex.GetString();
                    break;
                case "Digits" when IsTrue(step, "individual_digits") && !digits:
                    digits = true;
                    break;
                default:
                    throw Bad(path, $"pre_tokenizer step {TypeOf(step)} is not supported in this position");
            }
        }
        return new ByteLevelBpeModel.ByteLevelOptions(pattern, digits, nfc, prefixSpace, ignoreMerges);
    }

    private static SentencePieceBpeModel.SentencePieceOptions SentencePieceOptions(
        JsonElement root, JsonElement? normalizer, JsonElement? pre, JsonElement model, bool ignoreMerges, string path)
    {
        bool prepend = false, replaceSpaces = false, firstOnly = false, metaspace = false;
        if (normalizer is { } n)
        {
            foreach (var step in Steps(n, "normalizers"))
            {
                switch (TypeOf(step))
                {
                    case "Prepend" when step.TryGetProperty("prepend", out var p) && p.GetString() == "\u2581":
                        prepend = true;
                        break;
                    case "Replace" when IsSpaceToMetaspace(step):
                        replaceSpaces = true;
                        break;
                    default:
                        throw Bad(path, $"normalizer {TypeOf(step)} {step} is not supported");
                }
            }
        }
        if (pre is { } p2)
        {
            switch (TypeOf(p2))
            {
                // After spaces became "▁" there is no space left to split on: a no-op (Gemma).
                case "Split" when replaceSpaces && p2.TryGetProperty("pattern", out var pat) && pat.TryGetProperty("String", out var s) && s.GetString() == " ":
                    break;
                case "Metaspace":
                    if (!p2.TryGetProperty("replacement", out var r) || r.GetString() != "\u2581") throw Bad(path, "pre_tokenizer Metaspace: only the replacement \"\u2581\" is supported");
                    if (IsTrue(p2, "split")) throw Bad(path, "pre_tokenizer Metaspace with split true is not supported");
                    string scheme = p2.TryGetProperty("prepend_scheme", out var ps) && ps.ValueKind == JsonValueKind.String ? ps.GetString()!
                        : IsTrue(p2, "add_prefix_space") ? "always" : "never";
                    replaceSpaces = true;
                    prepend = scheme != "never";
                    firstOnly = scheme == "first";
                    metaspace = true;
                    break;
                default:
                    throw Bad(path, $"pre_tokenizer {TypeOf(p2)} is not supported with a SentencePiece-style model");
            }
        }
        if (!replaceSpaces) throw Bad(path, "pre_tokenizer: a BPE model needs a ByteLevel pre-tokenizer, or spaces replaced by \"\u2581\" (Replace normalizer or Metaspace)");
        var decoder = Field(root, "decoder") ?? throw Bad(path, "missing \"decoder\"");
        var steps = new List<SentencePieceBpeModel.DecoderStep>();
        foreach (var step in Steps(decoder, "decoders"))
        {
            steps.Add(TypeOf(step) switch
            {
                "Replace" when step.TryGetProperty("pattern", out var pat) && pat.TryGetProperty("String", out var from) && step.TryGetProperty("content", out var to)
                    => new SentencePieceBpeModel.ReplaceStep(from.GetString()!, to.GetString()!),
                "ByteFallback" => new SentencePieceBpeModel.ByteFallbackStep(),
                "Fuse" => new SentencePieceBpeModel.FuseStep(),
                "Strip" when step.TryGetProperty("content", out var c) && c.GetString() is { Length: 1 } content
                    => new SentencePieceBpeModel.StripStep(content[0], step.GetProperty("start").GetInt32(), step.GetProperty("stop").GetInt32()),
                "Metaspace" => new SentencePieceBpeModel.MetaspaceStep(
                    !(step.TryGetProperty("prepend_scheme", out var ps) && ps.GetString() == "never")),
                _ => throw Bad(path, $"decoder {TypeOf(step)} is not supported"),
            });
        }
        return new SentencePieceBpeModel.SentencePieceOptions(
            prepend, firstOnly, metaspace, IsTrue(model, "byte_fallback"), IsTrue(model, "fuse_unk"), ignoreMerges, steps);
    }

    private static bool IsSpaceToMetaspace(JsonElement step) =>
        step.TryGetProperty("pattern", out var p) && p.TryGetProperty("String", out var s) && s.GetString() == " "
        && step.TryGetProperty("content", out var c) && c.GetString() == "\u2581";

    private static void CheckDecoder(JsonElement root, string path, string expected)
    {
        if (Field(root, "decoder") is { } d && TypeOf(d) != expected) throw Bad(path, $"decoder {TypeOf(d)} is not supported here (only {expected})");
    }

    /// <summary>The ids a TemplateProcessing post-processor puts before and after a single sequence ($A).</summary>
    private static (List<int> Prefix, List<int> Suffix) ReadPostProcessor(JsonElement root, string path)
    {
        var prefix = new List<int>();
        var suffix = new List<int>();
        if (Field(root, "post_processor") is not { } post) return (prefix, suffix);
        foreach (var step in Steps(post, "processors"))
        {
            if (TypeOf(step) == "ByteLevel") continue;
            if (TypeOf(step) != "TemplateProcessing") throw Bad(path, $"post_processor {TypeOf(step)} is not supported");
            bool seenSequence = false;
            foreach (var item in step.GetProperty("single").EnumerateArray())
            {
                if (item.TryGetProperty("Sequence", out _))
                {
                    seenSequence = true;
                    continue;
                }
                if (!item.TryGetProperty("SpecialToken", out var special)) throw Bad(path, $"post_processor.single item {item} is not supported");
                string name = special.GetProperty("id").GetString()!;
                if (!step.GetProperty("special_tokens").TryGetProperty(name, out var entry))
                    throw Bad(path, $"post_processor: special token \"{name}\" is not in special_tokens");
                foreach (var id in entry.GetProperty("ids").EnumerateArray()) (seenSequence ? suffix : prefix).Add(id.GetInt32());
            }
        }
        return (prefix, suffix);
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

    private static List<AddedToken> ReadAddedTokens(JsonElement root, string path, Func<string, bool> normalizerChanges)
    {
        var added = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var list) || list.ValueKind == JsonValueKind.Null) return added;
        if (list.ValueKind != JsonValueKind.Array) throw Bad(path, "\"added_tokens\" must be an array");
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("id", out var id) || !id.TryGetInt32(out int value) || value < 0
                || !item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw Bad(path, $"added_tokens[{index}] must have a non-negative integer \"id\" and a string \"content\"");
            foreach (var flag in new[] { "lstrip", "rstrip", "single_word" })
            {
                if (IsTrue(item, flag)) throw Bad(path, $"added_tokens[{index}] \"{content.GetString()}\": {flag} true is not supported");
            }
            if (IsTrue(item, "normalized") && normalizerChanges(content.GetString()!))
                throw Bad(path, $"added_tokens[{index}] \"{content.GetString()}\": normalized true on text the normalizer changes is not supported");
            added.Add(new AddedToken(content.GetString()!, value, Special: !item.TryGetProperty("special", out var s) || s.ValueKind != JsonValueKind.False));
            index++;
        }
        return added;
    }

    /// <summary>The steps of a Sequence (its <paramref name="listName"/> array), or the element itself.</summary>
    private static IEnumerable<JsonElement> Steps(JsonElement element, string listName) =>
        TypeOf(element) == "Sequence" && element.TryGetProperty(listName, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList() : [element];

    private static JsonElement? Field(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static bool IsTrue(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>Writes the tokenizer as Hugging Face's GPT-2 tokenizer.json does.</summary>
    public static void Write(BpeVocabulary tokenizer, string path)
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
            VocabMergesFormat.WriteVocabObject(w, tokenizer.VocabularyWithSpecials());
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
