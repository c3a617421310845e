namespace Leadline.Common.Components;

/// <summary>How a person's name is shown where there is no room for it.</summary>
public static class PersonName
{
    /// <summary>"Ada Lovelace" → "AL": the avatar's letters.</summary>
    public static string Initials(string name) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(p => char.ToUpperInvariant(p[0])));
}
