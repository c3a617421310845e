namespace Leadline.Common;

/// <summary>
/// What a typed or imported text may not contain. PostgreSQL cannot store a NUL character in text at all (the write fails
/// with an encoding error), SQLite would store it and every other control character; neither is ever meant in a name, an
/// address or a tag, so both databases refuse them at the edge with the same message. Tab and line breaks stay allowed.
/// </summary>
public static class PlainText
{
    /// <summary>The first control character of <paramref name="text"/> other than tab, line feed and carriage return; null if none.</summary>
    public static char? ControlCharacter(string? text)
    {
        if (text is null)
            return null;
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
                return c;
        }
        return null;
    }

    /// <summary>A control character as people can look it up: "U+0000".</summary>
    public static string Describe(char c) => $"U+{(int)c:X4}";
}
