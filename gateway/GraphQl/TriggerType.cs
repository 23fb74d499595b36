using GraphQL.Types;
using ModelUploads.Runs;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The GraphQL type ComputePickleTrigger: one run of a model, with its status history.</summary>
internal sealed class TriggerType : ObjectGraphType<RunSnapshot>
{
    public TriggerType()
    {
        Name = "ComputePickleTrigger";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(context => context.Source.RunId);
        Field<NonNullGraphType<StringGraphType>>("status").Resolve(context => context.Source.Status.ToString().ToLowerInvariant());
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TriggerStatusType>>>>("statuses")
            .Resolve(context => context.Source.History);
    }
}
