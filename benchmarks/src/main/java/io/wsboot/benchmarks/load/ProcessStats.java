package io.wsboot.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What Linux and the JVM tell about a process: CPU time from {@code /proc/<pid>/stat},
 * resident memory from {@code /proc/<pid>/status}, and the heap in use after a full
 * collection through {@code jcmd <pid> GC.run} and {@code GC.heap_info}.
 *
 * @since 0.1.0
 */
final class ProcessStats {

	/** Clock ticks per second of {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}). */
	private static final long TICKS_PER_SECOND = Long.getLong("clk.tck", 100);

	private static final Pattern HEAP_LINE = Pattern.compile("^\\s*(.+?)\\s+total (\\d+)K, used (\\d+)K");

	private ProcessStats() {
	}

	/**
	 * Return the CPU time a process used so far, user and system.
	 * @param pid the process
	 * @return nanoseconds of CPU time, or -1 when unknown
	 */
	static long cpuNanos(long pid) {
		long[] times = cpuTimes(pid);
		return (times != null) ? times[0] + times[1] : -1;
	}

	/**
	 * Return the CPU time a process used so far, in user mode and in the kernel.
	 * @param pid the process
	 * @return nanoseconds of user and of system time, or {@code null} when unknown
	 */
	static long @Nullable [] cpuTimes(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// Fields 14 (utime) and 15 (stime) of proc(5), counted from field 3 (state)
			long nanosPerTick = TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
			return new long[] { Long.parseLong(fields[11]) * nanosPerTick, Long.parseLong(fields[12]) * nanosPerTick };
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Return a process's resident set size.
	 * @param pid the process
	 * @return bytes, or -1 when unknown
	 */
	static long rssBytes(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// unknown
		}
		return -1;
	}

	/**
	 * Run a full collection in a JVM and return its heap in use afterwards: the sum of
	 * the {@code used} of its generations (metaspace excluded).
	 * @param pid the JVM
	 * @return bytes
	 */
	static long heapAfterGc(long pid) throws IOException, InterruptedException {
		fullGc(pid);
		long used = 0;
		boolean found = false;
		for (String line : jcmd(pid, "GC.heap_info")) {
			Matcher matcher = HEAP_LINE.matcher(line);
			if (matcher.find()) {
				used += Long.parseLong(matcher.group(3)) * 1024;
				found = true;
			}
		}
		if (!found) {
			throw new IllegalStateException("No heap figures in jcmd GC.heap_info of " + pid);
		}
		return used;
	}

	/**
	 * Run a full collection in a JVM.
	 * @param pid the JVM
	 */
	static void fullGc(long pid) throws IOException, InterruptedException {
		jcmd(pid, "GC.run");
	}

	private static List<String> jcmd(long pid, String command) throws IOException, InterruptedException {
		String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
		Process process = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
		List<String> lines = new ArrayList<>(new String(process.getInputStream().readAllBytes()).lines().toList());
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + lines);
		}
		return lines;
	}

	/**
	 * CPU used by this process and by another one over a window.
	 */
	static final class CpuWindow {

		private final long pid;

		private final long start = System.nanoTime();

		private final long @Nullable [] selfStart;

		private final long @Nullable [] otherStart;

		CpuWindow(long pid) {
			this.pid = pid;
			this.selfStart = cpuTimes(ProcessHandle.current().pid());
			this.otherStart = (pid > 0) ? cpuTimes(pid) : null;
		}

		/**
		 * Return the CPU shares since the start, as cores busy (1.0 = one core all the
		 * time), {@code -1} when unknown.
		 * @return this process's share, the other one's, and the kernel's part of each
		 */
		double[] shares() {
			double wall = System.nanoTime() - this.start;
			long[] self = cpuTimes(ProcessHandle.current().pid());
			long[] other = (this.pid > 0) ? cpuTimes(this.pid) : null;
			return new double[] { share(this.selfStart, self, wall, true), share(this.otherStart, other, wall, true),
					share(this.selfStart, self, wall, false), share(this.otherStart, other, wall, false) };
		}

		private static double share(long @Nullable [] from, long @Nullable [] to, double wall, boolean all) {
			if (from == null || to == null || wall <= 0) {
				return -1;
			}
			long system = to[1] - from[1];
			return (all ? to[0] - from[0] + system : system) / wall;
		}

	}

}
