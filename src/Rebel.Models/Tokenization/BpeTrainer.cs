namespace Rebel.Models.Tokenization;

/// <summary>
/// Learns a byte-level BPE from a text corpus, deterministically: the corpus is pre-tokenized as GPT-2 does (so
/// merges never cross piece boundaries), each distinct piece becomes a sequence of byte tokens weighted by its count,
/// and the most frequent adjacent pair is merged, again and again, until the vocabulary reaches its target size.
/// </summary>
/// <remarks>
/// Ids: 0–255 are the bytes (id = byte value), then merged tokens in the order learned, then the special tokens.
/// Ties between equally frequent pairs go to the pair of smaller (left id, right id). When a merge yields a string
/// already in the vocabulary (e.g. "ab"+"c" after "a"+"bc"), it reuses that token's id. Pair counts are updated
/// incrementally, touching only the pieces that hold the merged pair, with a max-heap whose stale entries are
/// refreshed when popped.
/// </remarks>
public static class BpeTrainer
{
    /// <summary>Trains on <paramref name="texts"/> (each a document; specials in them are skipped).</summary>
    public static HuggingFaceTokenizer Train(IEnumerable<string> texts, BpeTrainerOptions options) =>
        TrainVocabulary(texts, options).ToTokenizer();

    /// <summary>Learns the vocabulary alone (what <see cref="Train"/> builds its tokenizer from).</summary>
    public static BpeVocabulary TrainVocabulary(IEnumerable<string> texts, BpeTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var (words, counts) = CountPieces(texts, options.SpecialTokens);
        var tokens = new List<string>(options.VocabSize);
        var tokenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int b = 0; b < 256; b++)
        {
            tokens.Add(ByteLevelAlphabet.ByteToChar[b].ToString());
            tokenIds[tokens[b]] = b;
        }

        var merges = Learn(words, counts, tokens, tokenIds, options);

        var vocab = new Dictionary<string, int>(tokenIds, StringComparer.Ordinal);
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var special in options.SpecialTokens)
        {
            int id = tokens.Count + specials.Count;
            specials[special] = id;
            vocab.TryAdd(special, id);        // GPT-2 lists <|endoftext|> in its vocabulary too
        }
        return new BpeVocabulary(vocab, merges, specials, options.EosToken);
    }

    /// <summary>Distinct pieces as byte sequences (sorted, so training is independent of hashing), and their counts.</summary>
    private static (List<int[]> Words, List<long> Counts) CountPieces(IEnumerable<string> texts, IReadOnlyList<string> specials)
    {
        var matcher = new SpecialTokenMatcher(specials);
        var pieceCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        void CountSegment(ReadOnlySpan<char> segment)
        {
            var lookup = pieceCounts.GetAlternateLookup<ReadOnlySpan<char>>();
            for (int start = 0; start < segment.Length;)
            {
                int end = Gpt2PreTokenizer.NextPieceEnd(segment, start);
                var piece = segment[start..end];
                lookup[piece] = lookup.TryGetValue(piece, out long c) ? c + 1 : 1;
                start = end;
            }
        }
        foreach (var text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            ReadOnlySpan<char> rest = text;
            while (matcher.TryFindNext(rest, out int index, out string content))
            {
                CountSegment(rest[..index]);
                rest = rest[(index + content.Length)..];
            }
            CountSegment(rest);
        }

        var words = new List<int[]>(pieceCounts.Count);
        var counts = new List<long>(pieceCounts.Count);
        foreach (var (piece, count) in pieceCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            words.Add(System.Text.Encoding.UTF8.GetBytes(piece).Select(b => (int)b).ToArray());
            counts.Add(count);
        }
        return (words, counts);
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private static (long NegCount, int Left, int Right) Priority(long key, long count) =>
        (-count, (int)(key >> 32), (int)(uint)key);

    private static List<BpeMerge> Learn(
        List<int[]> words, List<long> counts, List<string> tokens, Dictionary<string, int> tokenIds, BpeTrainerOptions options)
    {
        var pairCounts = new Dictionary<long, long>();
        var where = new Dictionary<long, HashSet<int>>();
        for (int w = 0; w < words.Count; w++)
        {
            var s = words[w];
            for (int i = 0; i + 1 < s.Length; i++)
            {
                long k = Key(s[i], s[i + 1]);
                pairCounts[k] = pairCounts.GetValueOrDefault(k) + counts[w];
                (where.TryGetValue(k, out var set) ? set : where[k] = new HashSet<int>()).Add(w);
            }
        }
        var heap = new PriorityQueue<long, (long, int, int)>(pairCounts.Select(p => (p.Key, Priority(p.Key, p.Value))));

        var merges = new List<BpeMerge>();
        var merged = new HashSet<long>();
        int targetTokens = options.VocabSize - options.SpecialTokens.Count;
        while (tokens.Count < targetTokens && heap.TryDequeue(out long pair, out var priority))
        {
            long count = pairCounts.GetValueOrDefault(pair);
            if (count != -priority.Item1)
            {
                if (count > 0) heap.Enqueue(pair, Priority(pair, count));   // stale entry: refresh it
                continue;
            }
            if (count < options.MinFrequency) break;                        // the best pair is too rare: done
            if (!merged.Add(pair)) continue;                                // reappeared through a reused id

            int left = (int)(pair >> 32), right = (int)(uint)pair;
            string text = tokens[left] + tokens[right];
            if (!tokenIds.TryGetValue(text, out int token))
            {
                token = tokens.Count;
                tokens.Add(text);
                tokenIds[text] = token;
            }
            merges.Add(new BpeMerge(tokens[left], tokens[right]));

            var touched = new HashSet<long>();
            foreach (int w in where[pair])
                MergeInWord(words, counts, w, left, right, token, pairCounts, where, touched);
            foreach (long k in touched) heap.Enqueue(k, Priority(k, pairCounts[k]));
        }
        return merges;
    }

    /// <summary>Replaces (left, right) by <paramref name="token"/> in word <paramref name="w"/>, updating pair counts.</summary>
    private static void MergeInWord(
        List<int[]> words, List<long> counts, int w, int left, int right, int token,
        Dictionary<long, long> pairCounts, Dictionary<long, HashSet<int>> where, HashSet<long> touched)
    {
        var old = words[w];
        long count = counts[w];
        var updated = new List<int>(old.Length);
        for (int i = 0; i < old.Length;)
        {
            if (i + 1 < old.Length && old[i] == left && old[i + 1] == right)
            {
                updated.Add(token);
                i += 2;
            }
            else
            {
                updated.Add(old[i++]);
            }
        }
        if (updated.Count == old.Length) return;                            // the pair left this word earlier

        for (int i = 0; i + 1 < old.Length; i++) pairCounts[Key(old[i], old[i + 1])] -= count;
        for (int i = 0; i + 1 < updated.Count; i++)
        {
            long k = Key(updated[i], updated[i + 1]);
            pairCounts[k] = pairCounts.GetValueOrDefault(k) + count;
            if (updated[i] == token || updated[i + 1] == token)
            {
                (where.TryGetValue(k, out var set) ? set : where[k] = new HashSet<int>()).Add(w);
                touched.Add(k);
            }
        }
        words[w] = updated.ToArray();
    }
}
