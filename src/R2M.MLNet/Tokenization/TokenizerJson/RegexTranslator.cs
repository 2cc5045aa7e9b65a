using System.Globalization;
using System.Text;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// Translates the regex dialect of HuggingFace <c>tokenizers</c> (Oniguruma) into .NET's where they differ, for the
/// constructs tokenizer files use: possessive quantifiers (<c>x?+</c>, <c>x*+</c>, <c>x++</c>, <c>x{n,m}+</c>) become
/// atomic groups (<c>(?&gt;x?)</c>), and <c>\x{HHHH}</c> becomes the character. Everything else (<c>\p{L}</c>,
/// <c>(?i:...)</c>, look-arounds) is the same in both. One difference stays: .NET matches UTF-16 code units, so a
/// character outside the Basic Multilingual Plane is two units, neither a letter nor a digit for <c>\p{L}</c>/<c>\p{N}</c>.
/// </summary>
internal static class RegexTranslator
{
    public static string ToDotNet(string pattern, string path)
    {
        var sb = new StringBuilder(pattern.Length + 16);
        var groupStarts = new Stack<int>();
        int lastAtomStart = -1;
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            int atomStart = sb.Length;
            switch (c)
            {
                case '\\':
                    if (i + 1 >= pattern.Length) throw new TokenizerJsonException(path, "the regex ends with a lone backslash");
                    if (pattern[i + 1] == 'x' && i + 2 < pattern.Length && pattern[i + 2] == '{')
                    {
                        int close = pattern.IndexOf('}', i + 3);
                        if (close < 0 || !int.TryParse(pattern.AsSpan(i + 3, close - i - 3), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int cp)
                            || cp > 0x10FFFF)
                            throw new TokenizerJsonException(path, $"bad \\x{{...}} escape at character {i}");
                        foreach (char u in char.ConvertFromUtf32(cp)) sb.Append(@"\u").Append(((int)u).ToString("X4", CultureInfo.InvariantCulture));
                        i = close + 1;
                    }
                    else
                    {
                        int end = i + 2;
                        if ((pattern[i + 1] is 'p' or 'P') && end < pattern.Length && pattern[end] == '{')
                            end = pattern.IndexOf('}', end) is var b and >= 0 ? b + 1 : throw new TokenizerJsonException(path, "unclosed \\p{");
                        sb.Append(pattern, i, end - i);
                        i = end;
                    }
                    lastAtomStart = atomStart;
                    continue;
                case '[':
                    int j = ClassEnd(pattern, i, path);
                    sb.Append(pattern, i, j - i);
                    i = j;
                    lastAtomStart = atomStart;
                    continue;
                case '(':
                    groupStarts.Push(sb.Length);
                    sb.Append(c);
                    i++;
                    lastAtomStart = -1;
                    continue;
                case ')':
                    sb.Append(c);
                    i++;
                    lastAtomStart = groupStarts.Count > 0 ? groupStarts.Pop() : throw new TokenizerJsonException(path, "unbalanced ')'");
                    continue;
                case '?' or '*' or '+' or '{':
                    if (lastAtomStart < 0 || (c == '{' && !IsCountedQuantifier(pattern, i)))
                    {
                        sb.Append(c);
                        i++;
                        lastAtomStart = atomStart;
                        continue;
                    }
                    int q = c == '{' ? pattern.IndexOf('}', i) + 1 : i + 1;
                    string quantifier = pattern[i..q];
                    if (q < pattern.Length && pattern[q] == '+')
                    {
                        // Possessive: x?+ == (?>x?)
                        string atom = sb.ToString(lastAtomStart, sb.Length - lastAtomStart);
                        sb.Length = lastAtomStart;
                        sb.Append("(?>").Append(atom).Append(quantifier).Append(')');
                        q++;
                    }
                    else
                    {
                        sb.Append(quantifier);
                        if (q < pattern.Length && pattern[q] == '?') sb.Append(pattern[q++]); // lazy
                    }
                    i = q;
                    lastAtomStart = -1;
                    continue;
                default:
                    sb.Append(c);
                    i++;
                    lastAtomStart = c is '|' or '^' or '$' ? -1 : atomStart;
                    continue;
            }
        }
        return sb.ToString();
    }

    private static bool IsCountedQuantifier(string p, int i)
    {
        int close = p.IndexOf('}', i);
        if (close < 0) return false;
        ReadOnlySpan<char> inside = p.AsSpan(i + 1, close - i - 1);
        if (inside.Length == 0) return false;
        foreach (char ch in inside)
        {
            if (!char.IsAsciiDigit(ch) && ch != ',') return false;
        }
        return true;
    }

    private static int ClassEnd(string p, int start, string path)
    {
        int i = start + 1;
        if (i < p.Length && p[i] == '^') i++;
        if (i < p.Length && p[i] == ']') i++;
        int depth = 1;
        while (i < p.Length)
        {
            char c = p[i];
            if (c == '\\') { i += 2; continue; }
            if (c == '[') depth++;
            else if (c == ']' && --depth == 0) return i + 1;
            i++;
        }
        throw new TokenizerJsonException(path, $"unclosed '[' at character {start}");
    }
}
