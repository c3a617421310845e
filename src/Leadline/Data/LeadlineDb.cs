using System.Linq.Expressions;
using Leadline.Identity;
using Leadline.Leads;
using Leadline.Pipeline;
using Leadline.Workspaces;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Leadline.Data;

/// <summary>The one DbContext. Every <see cref="IWorkspaceOwned"/> entity is filtered to the current workspace.</summary>
public sealed class LeadlineDb(DbContextOptions<LeadlineDb> options, WorkspaceScope? scope = null)
    : IdentityDbContext<User, Role, int>(options)
{
    public const string WorkspaceFilter = "Workspace";

    public DbSet<Workspace> Workspaces => Set<Workspace>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<BrowserSession> BrowserSessions => Set<BrowserSession>();

    public DbSet<PipelineDefinition> Pipelines => Set<PipelineDefinition>();

    public DbSet<Stage> Stages => Set<Stage>();

    public DbSet<Lead> Leads => Set<Lead>();

    public DbSet<LeadHistory> LeadHistory => Set<LeadHistory>();

    public DbSet<ImportRun> Imports => Set<ImportRun>();

    public DbSet<Leads.Bulk.BulkAction> BulkActions => Set<Leads.Bulk.BulkAction>();

    public DbSet<Leads.Bulk.BulkActionLead> BulkActionLeads => Set<Leads.Bulk.BulkActionLead>();
    public DbSet<ImportFile> ImportFiles => Set<ImportFile>();

    public DbSet<Reminders.Reminder> Reminders => Set<Reminders.Reminder>();

    public DbSet<Reminders.Notification> Notifications => Set<Reminders.Notification>();

    public DbSet<Notes.Note> Notes => Set<Notes.Note>();

    public DbSet<Notes.NoteTemplate> NoteTemplates => Set<Notes.NoteTemplate>();

    public DbSet<Activities.Activity> Activities => Set<Activities.Activity>();

    public DbSet<MarketingLists.MarketingList> MarketingLists => Set<MarketingLists.MarketingList>();

    public DbSet<MarketingLists.MarketingListMember> MarketingListMembers => Set<MarketingLists.MarketingListMember>();

    public DbSet<Duplicates.LeadMatchKey> LeadMatchKeys => Set<Duplicates.LeadMatchKey>();

    public DbSet<Duplicates.DuplicateSweepRun> DuplicateSweeps => Set<Duplicates.DuplicateSweepRun>();

    public DbSet<Duplicates.DuplicateGroupRow> DuplicateGroups => Set<Duplicates.DuplicateGroupRow>();

    public DbSet<Duplicates.DuplicateDismissal> DuplicateDismissals => Set<Duplicates.DuplicateDismissal>();

    public DbSet<Leadline.CustomFields.CustomField> CustomFields => Set<Leadline.CustomFields.CustomField>();

    public DbSet<Leadline.CustomFields.LeadCustomValue> LeadCustomValues => Set<Leadline.CustomFields.LeadCustomValue>();

    public DbSet<Channels.Channel> Channels => Set<Channels.Channel>();

    public DbSet<Channels.WebhookDelivery> WebhookDeliveries => Set<Channels.WebhookDelivery>();

    public DbSet<Conversations.Message> Messages => Set<Conversations.Message>();

    public DbSet<Conversations.ChannelIdentity> ChannelIdentities => Set<Conversations.ChannelIdentity>();

    public DbSet<Outbox.OutboxMessage> Outbox => Set<Outbox.OutboxMessage>();

    public DbSet<Submissions.Submission> Submissions => Set<Submissions.Submission>();

    public DbSet<Submissions.SubmissionFlowMapping> SubmissionFlowMappings => Set<Submissions.SubmissionFlowMapping>();

    public DbSet<Reviews.ReviewRequest> ReviewRequests => Set<Reviews.ReviewRequest>();

    public DbSet<Reviews.ReviewSettings> ReviewSettings => Set<Reviews.ReviewSettings>();

    public DbSet<Notes.NoteAttachment> NoteAttachments => Set<Notes.NoteAttachment>();

    public DbSet<Conversations.Email.EmailMailbox> EmailMailboxes => Set<Conversations.Email.EmailMailbox>();

    /// <summary>Read by the query filters on every query (EF parameterises context members); 0 matches nothing.</summary>
    internal int CurrentWorkspaceId => scope?.Id ?? 0;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(LeadlineDb).Assembly);

        foreach (var type in builder.Model.GetEntityTypes().Select(e => e.ClrType).Where(typeof(IWorkspaceOwned).IsAssignableFrom).ToList())
        {
            typeof(LeadlineDb).GetMethod(nameof(FilterByWorkspace), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(type).Invoke(this, [builder]);
        }

        if (Database.IsSqlite())
        {
            // SQLite has no time zone type: values are written as UTC text and must come back as UTC
            var utc = new ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
            var utcNullable = new ValueConverter<DateTime?, DateTime?>(v => v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
            foreach (var property in builder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
            {
                if (property.ClrType == typeof(DateTime))
                    property.SetValueConverter(utc);
                else if (property.ClrType == typeof(DateTime?))
                    property.SetValueConverter(utcNullable);
            }
        }

        SnakeCaseNames.Apply(builder);
        if (Database.IsNpgsql())
            LeadConfiguration.AddPostgresSearch(builder);   // after the names: it names its own index
    }

    private void FilterByWorkspace<T>(ModelBuilder builder) where T : class, IWorkspaceOwned
    {
        // Users are also read before anyone is signed in (login by e-mail); with no workspace in scope
        // they stay visible, every other table shows nothing.
        Expression<Func<T, bool>> filter = typeof(T) == typeof(User)
            ? e => CurrentWorkspaceId == 0 || e.WorkspaceId == CurrentWorkspaceId
            : e => e.WorkspaceId == CurrentWorkspaceId;
        builder.Entity<T>().HasQueryFilter(WorkspaceFilter, filter);
    }
}
