using Rebel.Models.Tokenization.Normalization;

namespace Rebel.Models.Tests.Tokenization.Normalization;

/// <summary>
/// The managed NFC against Python's <c>unicodedata.normalize("NFC", s)</c> (fixtures/nfc/cases.txt, written by
/// tools/unicode-nfc/make_nfc_data.py): every canonical decomposition alone, decomposed and followed by marks in
/// several orders, every mark, Hangul syllables and jamo runs, singletons, exclusions and random mixes.
/// </summary>
public sealed class UnicodeNfcTests
{
    private sealed record Case(int Line, string Input, string Expected);

    private static readonly Lazy<IReadOnlyList<Case>> Cases = new(ReadCases);

    private static IReadOnlyList<Case> ReadCases()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "nfc", "cases.txt");
        var cases = new List<Case>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (text.Length == 0 || text[0] == '#') continue;
            var fields = text.Split('\t');
            if (fields.Length != 2) throw new FormatException($"{path}:{line}: expected two tab-separated fields");
            string input = CodePoints(fields[0]);
            cases.Add(new Case(line, input, fields[1] == "=" ? input : CodePoints(fields[1])));
        }
        return cases;
    }

    private static string CodePoints(string hex) =>
        string.Concat(hex.Split(' ').Select(h => char.ConvertFromUtf32(Convert.ToInt32(h, 16))));

    private static string Hex(string s) => string.Join(' ', s.EnumerateRunes().Select(r => r.Value.ToString("X4")));

    [Test]
    public void Normalize_MatchesPythonOnEveryFixtureCase()
    {
        var wrong = Cases.Value.Where(c => UnicodeNfc.Normalize(c.Input) != c.Expected)
            .Select(c => $"line {c.Line}: {Hex(c.Input)} -> {Hex(UnicodeNfc.Normalize(c.Input))}, expected {Hex(c.Expected)}")
            .Take(20).ToList();
        Assert.That(wrong, Is.Empty);
        Assert.That(Cases.Value, Has.Count.GreaterThan(12000));
        Assert.That(Cases.Value.Count(c => c.Input != c.Expected), Is.GreaterThan(7000), "most cases change under NFC");
    }

    [Test]
    public void IsNormalized_IsTrueExactlyWhenNfcLeavesTheText()
    {
        var wrong = Cases.Value.Where(c => UnicodeNfc.IsNormalized(c.Input) != (c.Input == c.Expected))
            .Select(c => $"line {c.Line}: {Hex(c.Input)}").Take(20).ToList();
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void Normalize_IsIdempotent()
    {
        var wrong = Cases.Value.Where(c => !UnicodeNfc.IsNormalized(c.Expected)).Select(c => $"line {c.Line}").Take(20).ToList();
        Assert.That(wrong, Is.Empty);
    }

    [TestCase("e\u0301", "\u00E9")]                                  // composition
    [TestCase("\u212B", "\u00C5")]                                   // singleton: ANGSTROM SIGN → Å
    [TestCase("\u0958", "\u0915\u093C")]                             // composition exclusion stays decomposed
    [TestCase("\u0344", "\u0308\u0301")]                             // non-starter decomposition
    [TestCase("\u0F73", "\u0F71\u0F72")]                             // starter decomposing to non-starters
    [TestCase("e\u0301\u0323", "\u1EB9\u0301")]                      // reordered by class: dot below (220) first
    [TestCase("a\u0301\u0301", "\u00E1\u0301")]                      // the second acute is blocked by the first
    [TestCase("\u1100\u1161\u11A8", "\uAC01")]                       // Hangul L V T → LVT
    [TestCase("\uAC00\u11A8", "\uAC01")]                             // Hangul LV + T
    [TestCase("\U0001D15E", "\U0001D157\U0001D165")]                 // surrogate pairs: an excluded musical symbol
    [TestCase("\U00011131\U00011127", "\U0001112E")]                 // surrogate pairs composing (Chakma)
    [TestCase("a\uDC00e\u0301\uD800", "a\uDC00\u00E9\uD800", TestName = "Normalize_KnownCases(lone surrogates are kept)")]
    public void Normalize_KnownCases(string input, string expected) => Assert.That(UnicodeNfc.Normalize(input), Is.EqualTo(expected));

    [Test]
    public void Normalize_StableText_ReturnsTheSameInstance()
    {
        string text = "plain ASCII, Latin-1 café, 中文, 한국어 and 👩‍💻";
        Assert.That(UnicodeNfc.Normalize(text), Is.SameAs(text));
        Assert.That(UnicodeNfc.IsNormalized(text), Is.True);
    }

    [Test]
    public void Normalize_ReportsEachRewrittenStretch()
    {
        var rewrites = new List<UnicodeNfc.Rewrite>();
        string text = "cafe\u0301 \U0001F600 \u212B ok";
        Assert.That(UnicodeNfc.Normalize(text, rewrites), Is.EqualTo("caf\u00E9 \U0001F600 \u00C5 ok"));
        Assert.That(rewrites, Is.EqualTo(new[] { new UnicodeNfc.Rewrite(3, 5, 3, 4), new UnicodeNfc.Rewrite(9, 10, 8, 9) }));
    }

    [Test]
    public void StableCharacters_AreBoundariesAndUnchangedAlone()
    {
        var changed = new List<string>();
        for (int cp = 0; cp < 0x40000; cp++)                                  // planes 0-3 hold every decomposition
        {
            if (cp is >= 0xD800 and <= 0xDFFF || !UnicodeNfc.IsStable(cp)) continue;
            string s = char.ConvertFromUtf32(cp);
            if (!UnicodeNfc.BoundaryBefore(cp) || UnicodeNfc.CombiningClass(cp) != 0 || !ReferenceEquals(UnicodeNfc.Normalize(s), s))
                changed.Add(cp.ToString("X4"));
        }
        Assert.That(changed, Is.Empty);
        Assert.That(Enumerable.Range(0, 0x300).All(UnicodeNfc.IsStable), Is.True);
        Assert.That(UnicodeNfc.IsStable(0x0301) || UnicodeNfc.IsStable(0x1161) || UnicodeNfc.IsStable(0x212B), Is.False);
    }

    [Test]
    public void Normalize_Null_Throws() => Assert.Throws<ArgumentNullException>(() => UnicodeNfc.Normalize(null!));
}
