using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.CustomFields;

/// <summary>
/// One value of a lead's custom field, typed, so that a filter on a custom field is an index seek at any size on both
/// databases without a column (or an index) per field: text, choices and yes/no in <see cref="ValueText"/>, numbers in
/// <see cref="ValueNumber"/>, dates in <see cref="ValueDate"/>. A multi-choice value is a row per choice. Kept in step with
/// the lead's JSON by <see cref="CustomValueIndex"/> on every save and by <see cref="LeadBulkWriter"/>.
/// </summary>
public sealed class LeadCustomValue : IWorkspaceOwned
{
    public long Id { get; set; }

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    public Lead? Lead { get; set; }

    public int FieldId { get; set; }

    public string? ValueText { get; set; }

    public double? ValueNumber { get; set; }

    public DateOnly? ValueDate { get; set; }
}

internal sealed class LeadCustomValueConfiguration : IEntityTypeConfiguration<LeadCustomValue>
{
    public void Configure(EntityTypeBuilder<LeadCustomValue> b)
    {
        b.ToTable("lead_custom_values");
        b.Property(v => v.ValueText).HasMaxLength(CustomFieldValues.MaxTextLength);
        b.HasOne(v => v.Lead).WithMany().HasForeignKey(v => v.LeadId).OnDelete(DeleteBehavior.Cascade);
        // the filters: the leads holding a value (or a range of values) of a field; the lead id last, so the ids come from
        // the index alone. No foreign key to the field: deleting one removes its rows by this index (CustomFieldService)
        b.HasIndex(v => new { v.WorkspaceId, v.FieldId, v.ValueText, v.LeadId });
        b.HasIndex(v => new { v.WorkspaceId, v.FieldId, v.ValueNumber, v.LeadId });
        b.HasIndex(v => new { v.WorkspaceId, v.FieldId, v.ValueDate, v.LeadId });
        // a lead's rows, rewritten when it is saved; and the filter's probe when the list walks its own order instead
        b.HasIndex(v => new { v.LeadId, v.FieldId });
    }
}
