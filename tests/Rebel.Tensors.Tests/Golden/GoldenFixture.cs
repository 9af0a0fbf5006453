using System.Text;
using Rebel.Tensors.IO;

namespace Rebel.Tensors.Tests.Golden;

/// <summary>
/// A PyTorch golden fixture written by tools/make_golden_fixtures.py: named F32 tensors (inputs, parameters,
/// outputs, loss, and "grad.&lt;name&gt;" for every parameter), and a comparison that reports every tensor.
/// </summary>
internal sealed class GoldenFixture : IDisposable
{
    /// <summary>Largest accepted norm-wise relative difference ‖ours − torch‖ / ‖torch‖.</summary>
    public const double Tolerance = 1e-4;

    private readonly SafeTensorsFile _file;
    private readonly List<string> _report = [];
    private readonly List<string> _failures = [];
    private int _compared;

    public GoldenFixture(string name)
    {
        _file = SafeTensorsFile.Open(Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "golden", name));
    }

    public IReadOnlyList<string> Names => _file.Names;

    public int Meta(string key) => int.Parse(_file.Metadata[key], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The named tensor (a fresh GC-owned copy) with its stored shape.</summary>
    public Tensor Load(string name) => Tensor.FromArray(_file.ReadFloat32(name), [.. _file.GetInfo(name).Shape]);

    /// <summary>A parameter: loaded, named, and requiring gradients.</summary>
    public Tensor Parameter(string name)
    {
        var t = Load(name);
        t.Name = name;
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Integer ids stored as exact floats.</summary>
    public int[] Ints(string name) => _file.ReadFloat32(name).Select(v => (int)v).ToArray();

    /// <summary>Records ours against the fixture's <paramref name="name"/>: shape equality and relative difference.</summary>
    public void Compare(string name, Tensor? ours)
    {
        _compared++;
        var expected = _file.ReadFloat32(name);
        var shape = _file.GetInfo(name).Shape.ToArray();
        if (ours is null) { _failures.Add($"{name}: no value (gradient missing)"); return; }
        if (!ours.ShapeArray.SequenceEqual(shape))
        {
            _failures.Add($"{name}: shape [{string.Join(", ", ours.ShapeArray)}] differs from torch's [{string.Join(", ", shape)}]");
            return;
        }
        var actual = ours.ToArray();
        double diff2 = 0, norm2 = 0, worst = -1;
        int worstAt = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            diff2 += d * d;
            norm2 += (double)expected[i] * expected[i];
            if (!(Math.Abs(d) <= worst)) { worst = Math.Abs(d); worstAt = i; }
        }
        double rel = Math.Sqrt(diff2) / Math.Max(Math.Sqrt(norm2), 1e-12);
        string line = $"{name,-28} rel {rel:E2}  worst |Δ| {worst:E2} at {worstAt} (ours {actual[worstAt]:G7}, torch {expected[worstAt]:G7})";
        _report.Add(line);
        if (!(rel <= Tolerance)) _failures.Add(line);
    }

    /// <summary>Fails with every tensor's line when any tensor differs by more than <see cref="Tolerance"/>.</summary>
    public void AssertAll(int expectedComparisons)
    {
        var text = new StringBuilder();
        foreach (var line in _report) text.AppendLine(line);
        TestContext.Out.Write(text.ToString());
        Assert.That(_compared, Is.EqualTo(expectedComparisons), "number of tensors compared");
        Assert.That(_failures, Is.Empty, "tensors differing from PyTorch by more than " + Tolerance + " (relative):\n" + string.Join("\n", _failures) + "\nall:\n" + text);
    }

    public void Dispose() => _file.Dispose();
}
