using System.Diagnostics;
using System.Text;

namespace Rebel.Models.Tokenization.Normalization;

/// <summary>
/// Unicode Normalization Form C (UAX #15) in managed code, because .NET's <c>string.Normalize</c> does nothing under
/// invariant globalization. The data is <see cref="UnicodeNfcData"/> (Unicode <see cref="UnicodeNfcData.UnicodeVersion"/>).
/// </summary>
/// <remarks>
/// NFC(s) = compose(order(decompose(s))):
/// <list type="number">
/// <item>full canonical decomposition: each mapping applied recursively, Hangul syllables split by arithmetic;</item>
/// <item>canonical ordering: each run of non-starters stably sorted by canonical combining class (ccc);</item>
/// <item>canonical composition: a character C joins the last starter L when the pair (L, C) is a primary composite
/// (or Hangul LV / LVT) and C is not blocked, i.e. every character between them has ccc &lt; ccc(C) and is not a starter.</item>
/// </list>
/// The text is worked in segments. A segment begins at a character with a boundary before it (its decomposition begins
/// with a starter that never composes with what precedes), so segments normalize independently and NFC(s) is the
/// concatenation of their NFC. A quick check skips characters that are stable (starter, unchanged alone, never the
/// second of a pair): below U+0300 every character is, so ASCII and Latin-1 text costs one comparison per character.
/// Lone surrogates are kept as they are.
/// </remarks>
internal static class UnicodeNfc
{
    /// <summary>A stretch of the input that normalization rewrote, and where its output lies.</summary>
    /// <param name="Start">First UTF-16 index of the stretch in the input.</param>
    /// <param name="End">Index just past the stretch in the input.</param>
    /// <param name="NormalizedStart">First index of its output in the normalized text.</param>
    /// <param name="NormalizedEnd">Index just past its output in the normalized text.</param>
    internal readonly record struct Rewrite(int Start, int End, int NormalizedStart, int NormalizedEnd);

    /// <summary>Every character below this is stable; checked against the data when it is built.</summary>
    private const int FirstUnstable = 0x300;

    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Dictionary<int, (int First, int Second)> Decompositions = ReadDecompositions();
    private static readonly Dictionary<long, int> Composites = ReadComposites();
    private static readonly HashSet<int> ComposesBackward = [.. Composites.Keys.Select(k => (int)(k & 0x1FFFFF))];
    private static readonly HashSet<int> Unstable = ReadUnstable();
    private static readonly ulong[] UnstableBmp = ReadUnstableBmp();

    /// <summary>True when <paramref name="text"/> is already in NFC.</summary>
    public static bool IsNormalized(string text) => ReferenceEquals(Normalize(text), text);

    /// <summary>
    /// The NFC of <paramref name="text"/>: the same instance when nothing changes. When <paramref name="rewrites"/> is
    /// given, each rewritten stretch is added to it in order; text outside them is copied unchanged.
    /// </summary>
    public static string Normalize(string text, List<Rewrite>? rewrites = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        int unstable = NextUnstable(text, 0);
        if (unstable < 0) return text;
        var output = new StringBuilder(text.Length + 8);
        var buffer = new List<int>(16);
        var segment = new StringBuilder(16);
        bool changed = false;
        int copied = 0;
        while (unstable >= 0)
        {
            // The segment begins at the unstable character when a boundary lies before it (the text's start, the last
            // segment's end, or a character that begins with a starter), else at the stable character before it.
            int start = unstable == copied || BoundaryBefore(CodePointAt(text, unstable)) ? unstable : PreviousIndex(text, unstable);
            Debug.Assert(start >= copied, "the character before an unstable one is stable, hence a boundary");
            int end = start + CharCount(text, start);
            while (end < text.Length && !BoundaryBefore(CodePointAt(text, end))) end += CharCount(text, end);

            buffer.Clear();
            for (int i = start; i < end; i += CharCount(text, i)) Decompose(CodePointAt(text, i), buffer);
            OrderCanonically(buffer);
            ComposeCanonically(buffer);
            segment.Clear();
            foreach (int cp in buffer) AppendCodePoint(segment, cp);

            output.Append(text, copied, start - copied);
            if (!segment.Equals(text.AsSpan(start, end - start)))
            {
                changed = true;
                rewrites?.Add(new Rewrite(start, end, output.Length, output.Length + segment.Length));
            }
            output.Append(segment);
            copied = end;
            unstable = NextUnstable(text, end);
        }
        if (!changed) return text;
        output.Append(text, copied, text.Length - copied);
        return output.ToString();
    }

    /// <summary>The canonical combining class of <paramref name="cp"/> (0 for starters).</summary>
    public static int CombiningClass(int cp)
    {
        if (cp < FirstUnstable) return 0;
        var runs = UnicodeNfcData.CombiningClassRuns;
        int lo = 0, hi = runs.Length / 3 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cp < runs[3 * mid]) hi = mid - 1;
            else if (cp > runs[3 * mid + 1]) lo = mid + 1;
            else return runs[3 * mid + 2];
        }
        return 0;
    }

    /// <summary>True when nothing before <paramref name="cp"/> can interact with it or anything after it.</summary>
    internal static bool BoundaryBefore(int cp)
    {
        int first = cp;
        while (Decompositions.TryGetValue(first, out var d)) first = d.First;
        return CombiningClass(first) == 0 && !ComposesBackward.Contains(first) && !IsHangulVowelOrTrailing(first);
    }

    /// <summary>True when a character may be skipped by the quick check (see the remarks).</summary>
    internal static bool IsStable(int cp) =>
        cp < 0x10000 ? (UnstableBmp[cp >> 6] & (1UL << (cp & 63))) == 0 : !Unstable.Contains(cp);

    private static int NextUnstable(string text, int from)
    {
        for (int i = from; i < text.Length; i++)
        {
            char c = text[i];
            if (c < FirstUnstable) continue;
            int cp = CodePointAt(text, i);
            if (!IsStable(cp)) return i;
            if (cp > 0xFFFF) i++;
        }
        return -1;
    }

    // Step 1: full canonical decomposition.
    private static void Decompose(int cp, List<int> output)
    {
        int s = cp - SBase;
        if (s is >= 0 and < SCount)
        {
            output.Add(LBase + s / NCount);                               // L = LBase + S / (V·T)
            output.Add(VBase + s % NCount / TCount);                      // V = VBase + (S mod V·T) / T
            if (s % TCount != 0) output.Add(TBase + s % TCount);          // T = TBase + S mod T, when not 0
            return;
        }
        if (Decompositions.TryGetValue(cp, out var d))
        {
            Decompose(d.First, output);
            if (d.Second >= 0) Decompose(d.Second, output);
            return;
        }
        output.Add(cp);
    }

    // Step 2: canonical ordering, a stable insertion sort of each run of non-starters by class.
    private static void OrderCanonically(List<int> cps)
    {
        for (int i = 1; i < cps.Count; i++)
        {
            int cp = cps[i], ccc = CombiningClass(cp);
            if (ccc == 0) continue;
            int j = i;
            while (j > 0 && CombiningClass(cps[j - 1]) > ccc)
            {
                cps[j] = cps[j - 1];
                j--;
            }
            cps[j] = cp;
        }
    }

    // Step 3: canonical composition, in place.
    private static void ComposeCanonically(List<int> cps)
    {
        if (cps.Count < 2) return;
        int starterAt = 0;
        int lastClass = CombiningClass(cps[0]) == 0 ? 0 : 256;    // a leading non-starter composes with nothing
        int kept = 1;
        for (int i = 1; i < cps.Count; i++)
        {
            int cp = cps[i], ccc = CombiningClass(cp);
            // Unblocked: C follows the starter directly (lastClass 0), or everything between has a lower class.
            if ((lastClass == 0 || lastClass < ccc) && TryCompose(cps[starterAt], cp, out int composite))
            {
                cps[starterAt] = composite;
                continue;
            }
            if (ccc == 0) starterAt = kept;
            lastClass = ccc;
            cps[kept++] = cp;
        }
        cps.RemoveRange(kept, cps.Count - kept);
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        int l = first - LBase, v = second - VBase;
        if (l is >= 0 and < LCount && v is >= 0 and < VCount)
        {
            composite = SBase + (l * VCount + v) * TCount;                // LV = SBase + (L·V + V)·T
            return true;
        }
        int s = first - SBase, t = second - TBase;
        if (s is >= 0 and < SCount && s % TCount == 0 && t is > 0 and < TCount)
        {
            composite = first + t;                                        // LVT = LV + T
            return true;
        }
        return Composites.TryGetValue(PairKey(first, second), out composite);
    }

    private static bool IsHangulVowelOrTrailing(int cp) =>
        cp is >= VBase and < VBase + VCount || cp is > TBase and < TBase + TCount;

    private static long PairKey(int first, int second) => ((long)first << 21) | (uint)second;

    private static int CodePointAt(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
            ? char.ConvertToUtf32(text[i], text[i + 1])
            : text[i];

    private static int CharCount(string text, int i) => CodePointAt(text, i) > 0xFFFF ? 2 : 1;

    private static int PreviousIndex(string text, int i) =>
        i >= 2 && char.IsLowSurrogate(text[i - 1]) && char.IsHighSurrogate(text[i - 2]) ? i - 2 : i - 1;

    private static void AppendCodePoint(StringBuilder output, int cp)
    {
        if (cp <= 0xFFFF) output.Append((char)cp);
        else output.Append(char.ConvertFromUtf32(cp));
    }

    private static Dictionary<int, (int, int)> ReadDecompositions()
    {
        var map = new Dictionary<int, (int, int)>();
        Add(UnicodeNfcData.PrimaryComposites);
        Add(UnicodeNfcData.OtherDecompositions);
        return map;

        void Add(ReadOnlySpan<int> triples)
        {
            for (int i = 0; i < triples.Length; i += 3) map.Add(triples[i], (triples[i + 1], triples[i + 2]));
        }
    }

    private static Dictionary<long, int> ReadComposites()
    {
        var pairs = UnicodeNfcData.PrimaryComposites;
        var map = new Dictionary<long, int>(pairs.Length / 3);
        for (int i = 0; i < pairs.Length; i += 3) map.Add(PairKey(pairs[i + 1], pairs[i + 2]), pairs[i]);
        return map;
    }

    // Unstable: a non-starter, a character that NFC changes alone (singletons, exclusions), the second of a pair,
    // or one with no boundary before it.
    private static HashSet<int> ReadUnstable()
    {
        var set = new HashSet<int>(ComposesBackward);
        var runs = UnicodeNfcData.CombiningClassRuns;
        for (int i = 0; i < runs.Length; i += 3)
            for (int cp = runs[i]; cp <= runs[i + 1]; cp++) set.Add(cp);
        var others = UnicodeNfcData.OtherDecompositions;
        for (int i = 0; i < others.Length; i += 3) set.Add(others[i]);
        foreach (int cp in Decompositions.Keys)
            if (!BoundaryBefore(cp)) set.Add(cp);
        for (int cp = VBase; cp < VBase + VCount; cp++) set.Add(cp);
        for (int cp = TBase + 1; cp < TBase + TCount; cp++) set.Add(cp);
        if (set.Min() < FirstUnstable) throw new InvalidOperationException($"U+{set.Min():X4} is unstable, below U+{FirstUnstable:X4}");
        return set;
    }

    private static ulong[] ReadUnstableBmp()
    {
        var bits = new ulong[0x10000 / 64];
        foreach (int cp in Unstable)
            if (cp < 0x10000) bits[cp >> 6] |= 1UL << (cp & 63);
        return bits;
    }
}
