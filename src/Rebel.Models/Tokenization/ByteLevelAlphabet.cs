namespace Rebel.Models.Tokenization;

/// <summary>
/// GPT-2's reversible map from the 256 byte values to 256 printable characters, so that BPE can work on strings
/// with no whitespace or control characters in them. Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') map to
/// themselves; the remaining 68 bytes, in increasing order, map to U+0100, U+0101, ... (space 0x20 becomes 'Ġ',
/// newline 0x0A becomes 'Ċ').
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>byte → character.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>character → byte, or -1 for a character outside the alphabet (indexed by char, size 324).</summary>
    private static readonly short[] CharToByte = BuildCharToByte();

    /// <summary>True and the byte when <paramref name="c"/> belongs to the alphabet.</summary>
    public static bool TryGetByte(char c, out byte value)
    {
        if (c < CharToByte.Length && CharToByte[c] >= 0)
        {
            value = (byte)CharToByte[c];
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>The alphabet characters of <paramref name="bytes"/>, one per byte.</summary>
    public static string FromBytes(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>The bytes a token string stands for, or null when it holds a character outside the alphabet.</summary>
    public static byte[]? ToBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!TryGetByte(token[i], out bytes[i])) return null;
        }
        return bytes;
    }

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) map[b] = IsPrintable(b) ? (char)b : (char)next++;
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var inverse = new short[256 + 68];
        Array.Fill(inverse, (short)-1);
        for (int b = 0; b < 256; b++) inverse[ByteToChar[b]] = (short)b;
        return inverse;
    }
}
