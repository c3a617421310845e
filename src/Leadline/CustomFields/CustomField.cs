using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.CustomFields;

public enum CustomFieldType
{
    Text,
    Number,
    Date,
    Boolean,
    Choice,
    MultiChoice,
}

/// <summary>
/// A field a workspace adds to its leads (Settings → Custom fields). A lead's values live in its
/// <see cref="Leads.Lead.CustomFields"/> JSON by <see cref="Key"/>, and once more, typed, in <see cref="LeadCustomValue"/> rows
/// that the list's filters read through an index.
/// </summary>
public sealed class CustomField : IWorkspaceOwned, ITimestamped
{
    public const int MaxKeyLength = 50;
    public const int MaxLabelLength = 100;
    public const int MaxOptions = 100;
    public const int MaxOptionLength = 100;

    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    /// <summary>The name in the API, the URL filter (<c>cf.key</c>) and CSV: a letter, then letters, digits or _.</summary>
    public string Key { get; set; } = "";

    public string Label { get; set; } = "";

    public CustomFieldType Type { get; set; }

    /// <summary>The choices of a choice or multi-choice field, in the order people see them.</summary>
    public List<string> Options { get; set; } = [];

    /// <summary>A new lead must have a value.</summary>
    public bool Required { get; set; }

    /// <summary>Place in forms, the detail page and export (ascending).</summary>
    public int Order { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public bool HasOptions => Type is CustomFieldType.Choice or CustomFieldType.MultiChoice;
}

internal sealed class CustomFieldConfiguration : IEntityTypeConfiguration<CustomField>
{
    public void Configure(EntityTypeBuilder<CustomField> b)
    {
        b.ToTable("custom_fields");
        b.Property(f => f.Key).HasMaxLength(CustomField.MaxKeyLength).IsRequired();
        b.Property(f => f.Label).HasMaxLength(CustomField.MaxLabelLength).IsRequired();
        b.Property(f => f.Type).HasConversion<string>().HasMaxLength(20);
        b.Ignore(f => f.HasOptions);
        b.HasIndex(f => new { f.WorkspaceId, f.Key }).IsUnique();
    }
}
