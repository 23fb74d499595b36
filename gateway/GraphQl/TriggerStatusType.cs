using GraphQL.Types;
using ModelUploads.Runs;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The GraphQL type ComputePickleTriggerStatus: one entry of a run's status history.</summary>
internal sealed class TriggerStatusType : ObjectGraphType<StatusChange>
{
    public TriggerStatusType()
    {
        Name = "ComputePickleTriggerStatus";
        Field<NonNullGraphType<StringGraphType>>("status").Resolve(context => context.Source.Status.ToString().ToLowerInvariant());
        Field<NonNullGraphType<StringGraphType>>("description").Resolve(context => context.Source.Description);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("insertedAt").Resolve(context => context.Source.At);
    }
}
