using System.Text.Json;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Submissions;

/// <summary>One label for a JSON path of a flow's answers: <c>$.transaction_id</c> → TransactionID.</summary>
public sealed record FlowField(string Path, string Label);

/// <summary>
/// How a flow's answers are shown for review: JSON paths with the labels reviewers know (Settings → Submissions). The
/// review queue and the API's <c>mapped</c> show these fields first.
/// </summary>
public sealed class SubmissionFlowMapping : IWorkspaceOwned, ITimestamped
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public string Flow { get; set; } = "";

    /// <summary>The fields as a JSON array of { path, label }, in display order.</summary>
    public string Fields { get; set; } = "[]";

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<FlowField> FieldList() =>
        JsonSerializer.Deserialize<List<FlowField>>(Fields, JsonSerializerOptions.Web) ?? [];
}

internal sealed class SubmissionFlowMappingConfiguration : IEntityTypeConfiguration<SubmissionFlowMapping>
{
    public void Configure(EntityTypeBuilder<SubmissionFlowMapping> b)
    {
        b.ToTable("submission_flow_mappings");
        b.Property(m => m.Flow).HasMaxLength(200).IsRequired();
        b.Property(m => m.Fields).IsRequired();
        b.HasIndex(m => new { m.WorkspaceId, m.Flow }).IsUnique();
    }
}
