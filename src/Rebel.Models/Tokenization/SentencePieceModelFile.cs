using System.Text;
using Rebel.Models.Data;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Reads SentencePiece's <c>tokenizer.model</c> (a <c>ModelProto</c> protobuf) of a BPE model — Llama 2, Mistral, Gemma —
/// into the same <see cref="SentencePieceBpeModel"/> that <c>tokenizer.json</c> gives, the way transformers' converter
/// turns one into the other: the pieces in id order are the vocabulary; every split of a piece into two pieces is a
/// merge, ranked by the merged piece's score (highest first; then id order, then the halves' ids); control and unknown
/// pieces are special tokens; <c>add_dummy_prefix</c> puts "▁" before the text, spaces become "▁", and byte fallback
/// follows <c>trainer_spec.byte_fallback</c>.
/// </summary>
/// <remarks>Refused, naming the file and field: a model type other than BPE, a normalizer other than <c>identity</c>
/// (its rules are a compiled character map), <c>remove_extra_whitespaces</c>, and malformed protobuf.</remarks>
internal static class SentencePieceModelFile
{
    private enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

    private sealed record Piece(string Text, float Score, PieceType Type);

    /// <summary>What the file holds, in the pieces a tokenizer is built from.</summary>
    public sealed record Contents(SentencePieceBpeModel Model, List<AddedToken> Added, int? BosId, int? EosId);

    public static Contents Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pieces = new List<Piece>();
        int modelType = 1, unkId = 0, bosId = 1, eosId = 2;
        bool byteFallback = false, addDummyPrefix = true, removeExtraWhitespaces = true, escapeWhitespaces = true;
        string normalizer = "identity";
        try
        {
            foreach (var (field, wire, value, data) in Fields(bytes))
            {
                if (field == 1 && wire == 2) pieces.Add(ReadPiece(data));
                else if (field == 2 && wire == 2)
                    foreach (var (f, _, v, _) in Fields(data))
                        switch (f)
                        {
                            case 3: modelType = (int)v; break;
                            case 35: byteFallback = v != 0; break;
                            case 40: unkId = (int)v; break;
                            case 41: bosId = (int)v; break;
                            case 42: eosId = (int)v; break;
                        }
                else if (field == 3 && wire == 2)
                    foreach (var (f, w, v, d) in Fields(data))
                        switch (f)
                        {
                            case 1 when w == 2: normalizer = Encoding.UTF8.GetString(d); break;
                            case 3: addDummyPrefix = v != 0; break;
                            case 4: removeExtraWhitespaces = v != 0; break;
                            case 5: escapeWhitespaces = v != 0; break;
                        }
            }
        }
        catch (FormatException e)
        {
            throw new DataFormatException(path, 0, $"not a SentencePiece model ({e.Message})", e);
        }
        if (pieces.Count == 0) throw new DataFormatException(path, 0, "not a SentencePiece model (no pieces)");
        if (modelType != 2) throw new DataFormatException(path, 0, $"trainer_spec.model_type {modelType} is not supported (only BPE, 2)");
        if (normalizer != "identity") throw new DataFormatException(path, 0, $"normalizer_spec.name \"{normalizer}\" is not supported (only identity)");
        if (removeExtraWhitespaces) throw new DataFormatException(path, 0, "normalizer_spec.remove_extra_whitespaces is not supported");
        if (!escapeWhitespaces) throw new DataFormatException(path, 0, "normalizer_spec.escape_whitespaces false is not supported");

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < pieces.Count; id++)
            if (!vocab.TryAdd(pieces[id].Text, id)) throw new DataFormatException(path, 0, $"piece \"{pieces[id].Text}\" appears twice");
        var merges = Merges(pieces, vocab);
        var decoder = new List<SentencePieceBpeModel.DecoderStep>
        {
            new SentencePieceBpeModel.ReplaceStep("\u2581", " "), new SentencePieceBpeModel.ByteFallbackStep(), new SentencePieceBpeModel.FuseStep(),
        };
        if (addDummyPrefix) decoder.Add(new SentencePieceBpeModel.StripStep(' ', 1, 0));
        var options = new SentencePieceBpeModel.SentencePieceOptions(addDummyPrefix, PrependOnlyAtTextStart: false,
            PrependOnlyWithoutLeadingMetaspace: false, byteFallback,
            FuseUnknown: true, IgnoreMerges: false, decoder);
        string? unk = unkId >= 0 && unkId < pieces.Count ? pieces[unkId].Text : null;
        SentencePieceBpeModel model;
        try
        {
            model = new SentencePieceBpeModel(vocab, merges, unk, options);
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, 0, e.Message.Split(" (Parameter")[0], e);
        }
        var added = pieces.Select((p, id) => (p, id))
            .Where(x => x.p.Type is PieceType.Control or PieceType.Unknown or PieceType.UserDefined)
            .Select(x => new AddedToken(x.p.Text, x.id, Special: x.p.Type != PieceType.UserDefined)).ToList();
        int? Valid(int id) => id >= 0 && id < pieces.Count ? id : null;
        return new Contents(model, added, Valid(bosId), Valid(eosId));
    }

    /// <summary>transformers' ordering: every (left, right) split of a piece whose halves are pieces, ranked by the
    /// merged piece's score (descending, stable in id order), within a piece by the halves' ids.</summary>
    private static List<BpeMerge> Merges(List<Piece> pieces, Dictionary<string, int> vocab)
    {
        var merges = new List<(BpeMerge Merge, float Score, int Id, int Left, int Right)>();
        for (int id = 0; id < pieces.Count; id++)
        {
            var text = pieces[id].Text;
            for (int cut = 1; cut < text.Length; cut++)
            {
                if (char.IsLowSurrogate(text[cut])) continue;
                if (vocab.TryGetValue(text[..cut], out int left) && vocab.TryGetValue(text[cut..], out int right))
                    merges.Add((new BpeMerge(text[..cut], text[cut..]), pieces[id].Score, id, left, right));
            }
        }
        return [.. merges.OrderByDescending(m => m.Score).ThenBy(m => m.Id).ThenBy(m => m.Left).ThenBy(m => m.Right).Select(m => m.Merge)];
    }

    private static Piece ReadPiece(byte[] data)
    {
        string? text = null;
        float score = 0;
        var type = PieceType.Normal;
        foreach (var (field, wire, value, bytes) in Fields(data))
        {
            if (field == 1 && wire == 2) text = Encoding.UTF8.GetString(bytes);
            else if (field == 2 && wire == 5) score = BitConverter.Int32BitsToSingle((int)value);
            else if (field == 3 && wire == 0) type = (PieceType)(int)value;
        }
        return new Piece(text ?? throw new FormatException("a piece without text"), score, type);
    }

    /// <summary>The fields of one protobuf message: number, wire type, the value (varint or fixed) and the bytes (length-delimited).</summary>
    private static IEnumerable<(int Field, int Wire, ulong Value, byte[] Bytes)> Fields(byte[] message)
    {
        int at = 0;
        while (at < message.Length)
        {
            ulong key = Varint(message, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    yield return (field, wire, Varint(message, ref at), []);
                    break;
                case 1:
                    if (at + 8 > message.Length) throw new FormatException("a 64-bit field past the end");
                    yield return (field, wire, BitConverter.ToUInt64(message, at), []);
                    at += 8;
                    break;
                case 2:
                    ulong length = Varint(message, ref at);
                    if (length > (ulong)(message.Length - at)) throw new FormatException("a length-delimited field past the end");
                    yield return (field, wire, length, message[at..(at + (int)length)]);
                    at += (int)length;
                    break;
                case 5:
                    if (at + 4 > message.Length) throw new FormatException("a 32-bit field past the end");
                    yield return (field, wire, BitConverter.ToUInt32(message, at), []);
                    at += 4;
                    break;
                default:
                    throw new FormatException($"wire type {wire} of field {field} is not supported");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length) throw new FormatException("a varint past the end");
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException("a varint longer than 10 bytes");
    }
}
