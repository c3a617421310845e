using System.Text;

namespace Leadline.Duplicates;

/// <summary>String and token-set similarity measures used by the pair scorer, all in 0..1.</summary>
public static class Similarity
{
    /// <summary>Jaro-Winkler similarity (prefix scale 0.1, up to 4 prefix characters).</summary>
    public static double JaroWinkler(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length == 0 || b.Length == 0)
            return a.Length == b.Length ? 1 : 0;
        if (string.Equals(a, b, StringComparison.Ordinal))
            return 1;
        var window = Math.Max(0, Math.Max(a.Length, b.Length) / 2 - 1);
        Span<bool> aMatched = a.Length <= 256 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> bMatched = b.Length <= 256 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            for (var j = from; j <= to; j++)
            {
                if (bMatched[j] || a[i] != b[j])
                    continue;
                aMatched[i] = bMatched[j] = true;
                matches++;
                break;
            }
        }
        if (matches == 0)
            return 0;
        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
                continue;
            while (!bMatched[k])
                k++;
            if (a[i] != b[k])
                transpositions++;
            k++;
        }
        double m = matches;
        var jaro = (m / a.Length + m / b.Length + (m - transpositions / 2.0) / m) / 3.0;
        var prefix = 0;
        while (prefix < Math.Min(4, Math.Min(a.Length, b.Length)) && a[prefix] == b[prefix])
            prefix++;
        return jaro + prefix * 0.1 * (1 - jaro);
    }

    /// <summary>
    /// Weighted Monge-Elkan: each token of <paramref name="a"/> is paired with its most similar token of
    /// <paramref name="b"/> (Jaro-Winkler, initials match a token starting with them), averaged with the
    /// token weights (rarer tokens weigh more). Not symmetric: "how much of a is found in b".
    /// </summary>
    public static double TokensFoundIn(IReadOnlyList<string> a, IReadOnlyList<string> b, Func<string, double>? weight = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0)
            return 0;
        double total = 0, found = 0;
        foreach (var ta in a)
        {
            var best = 0.0;
            foreach (var tb in b)
            {
                best = Math.Max(best, TokenSimilarity(ta, tb));
                if (best >= 1)
                    break;
            }
            var w = weight?.Invoke(ta) ?? 1;
            total += w;
            found += w * best;
        }
        return total == 0 ? 0 : found / total;
    }

    /// <summary>Two tokens: equal, an initial of the other, or Jaro-Winkler (below 0.8 counts as no match).</summary>
    public static double TokenSimilarity(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (string.Equals(a, b, StringComparison.Ordinal))
            return 1;
        if (a.Length == 1 || b.Length == 1)
            return a[0] == b[0] ? 0.85 : 0;
        if (char.IsAsciiDigit(a[0]) || char.IsAsciiDigit(b[0]))
            return 0;   // numbers agree exactly or not at all
        var jw = JaroWinkler(a, b);
        return jw >= 0.8 ? jw : 0;
    }

    /// <summary>The Soundex code ("robert" → "r163"): a coarse phonetic key for blocking on names with typos.</summary>
    public static string Soundex(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var letters = token.Where(char.IsAsciiLetterLower).ToArray();
        if (letters.Length == 0)
            return token;
        var sb = new StringBuilder(4);
        sb.Append(letters[0]);
        var last = Code(letters[0]);
        for (var i = 1; i < letters.Length && sb.Length < 4; i++)
        {
            var c = letters[i];
            var code = Code(c);
            if (code != '0' && code != last)
                sb.Append(code);
            if (c is not ('h' or 'w'))
                last = code;
        }
        return sb.ToString().PadRight(4, '0');

        static char Code(char c) => c switch
        {
            'b' or 'f' or 'p' or 'v' => '1',
            'c' or 'g' or 'j' or 'k' or 'q' or 's' or 'x' or 'z' => '2',
            'd' or 't' => '3',
            'l' => '4',
            'm' or 'n' => '5',
            'r' => '6',
            _ => '0',
        };
    }
}
