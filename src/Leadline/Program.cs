using Leadline;
using Leadline.Channels;
using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Common.Live;
using Leadline.Common.Security;
using Leadline.Conversations.Inbound;
using Leadline.CustomFields;
using Leadline.Pipeline;
using Leadline.Reminders;
using Leadline.Data;
using Leadline.Duplicates;
using Leadline.Home;
using Leadline.Identity;
using Leadline.Leads;
using Leadline.Notes;
using Leadline.Queue;
using Leadline.Workspaces;

var builder = WebApplication.CreateBuilder(args);
builder.AddLeadlineLogging();
builder.AddLeadlineData();
builder.Services.AddLeadlineCommon();
builder.Services.AddLeadlineIdentity(builder.Configuration);
builder.Services.AddWorkspaces();
builder.Services.AddHome();
builder.Services.AddLeads();
builder.Services.AddCustomFields();
builder.Services.AddPipeline();
builder.Services.AddReminders(builder.Configuration);
builder.Services.AddNotes();
builder.Services.AddWorkQueue(builder.Configuration);
builder.Services.AddDuplicates(builder.Configuration);
builder.Services.AddChannels(builder.Configuration);
builder.Services.AddInboundConversations(builder.Configuration);
builder.Services.AddLiveEvents(builder.Configuration.GetValue<DatabaseProvider>("Leadline:Database:Provider"));

var app = builder.Build();
if (!await app.PrepareDatabaseAsync())
    return 1;
if (await LeadlineCommands.TryRunAsync(app, args))
    return Environment.ExitCode;

app.UseLeadlineCommon();
app.MapStaticAssets();
app.MapHealth();
app.MapApiDocs();
var api = app.MapApiGroup();
var pages = app.MapPages();
pages.MapLeadlineIdentity(api);
pages.MapLeads(api);
pages.MapCustomFields(api);
pages.MapPipeline(api);
pages.MapReminders(api);
pages.MapNotes(api);
pages.MapWorkQueue(api);
pages.MapDuplicates(api);
pages.MapChannels(api);
pages.MapInboundConversations(api);
pages.MapLiveEvents();
app.MapRazorComponents<App>();
await app.RunAsync();
return 0;

public partial class Program;
