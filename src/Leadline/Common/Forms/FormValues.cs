using System.Globalization;

namespace Leadline.Common.Forms;

/// <summary>
/// Reading posted form values by hand: minimal APIs refuse to bind an empty number input to <c>int?</c> and .NET 10
/// refuses <c>[FromForm] string[]</c>, so the page endpoints read <see cref="IFormCollection"/> through these.
/// </summary>
public static class FormValues
{
    /// <summary>The trimmed text, or null when empty or blank.</summary>
    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A whole number, or null when empty or not a number.</summary>
    public static int? Number(string? value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
