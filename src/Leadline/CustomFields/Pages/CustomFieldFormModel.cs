namespace Leadline.CustomFields.Pages;

/// <summary>Settings → Custom fields' form as typed: options one per line.</summary>
public sealed class CustomFieldFormModel
{
    public int? Id { get; set; }
    public string? Key { get; set; }
    public string? Label { get; set; }
    public string? Type { get; set; } = "text";
    public string? Options { get; set; }
    public bool Required { get; set; }

    public CustomFieldRequest ToRequest() => new(
        Id is null ? Key ?? "" : null, Label ?? "", Id is null ? Type ?? "" : null,
        (Options ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(), Required, null);
}
