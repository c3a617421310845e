namespace Leadline.Common;

/// <summary>
/// What a typed or imported text may not contain. PostgreSQL cannot store a NUL character in text at all (the write fails
/// with an encoding error), SQLite would store it and every other control character; neither is ever meant in a name, an
/// address or a tag, so both databases refuse them at the edge with the same message. Tab and line breaks stay allowed.
/// </summary>
public static class PlainText
{
    /// <summary>
    /// The first control character of <paramref name="text"/> other than tab, line feed and carriage return, or the first
    /// half of a surrogate pair that stands alone (JSON's <c>"\ud800"</c>: no encoding can store it); null if none.
    /// </summary>
    public static char? ControlCharacter(string? text)
    {
        if (text is null)
            return null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(c) || (char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
                return c;
        }
        return null;
    }

    /// <summary>A control character as people can look it up: "U+0000".</summary>
    public static string Describe(char c) => $"U+{(int)c:X4}";
}
