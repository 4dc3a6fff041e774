package dev.cvd.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder while the features pipeline is assembled. */
@Command(name = "features", mixinStandardHelpOptions = true)
public class FeaturesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
