package letmein.client.cli;

import letmein.client.plan.KnockRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** What the knocking commands share: the options mixin and the global options of the parent. */
abstract class PlanCommand {
    @ParentCommand
    LetmeinCommand parent;

    @Mixin
    KnockOptions options;

    /** Validates global and knock options (usage errors → exit 2) and returns the actions to run. */
    Actions actions() {
        parent.prepare();
        return parent.actions();
    }

    KnockRequest request(boolean portRequired, boolean resourceConflictsWithPort) {
        return options.request(portRequired, resourceConflictsWithPort);
    }
}
