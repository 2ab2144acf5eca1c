package io.wsboot.connection;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the tasks given to it one at a time, in order, on a shared executor: the serial
 * queue of one connection when listeners run off the event loop.
 */
final class SerialExecutor implements Executor {

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pending = new AtomicInteger();

	private final Executor executor;

	SerialExecutor(Executor executor) {
		this.executor = executor;
	}

	/**
	 * Queue a task.
	 * @throws RejectedExecutionException when the shared executor refuses to run the
	 * queue; the queue is then emptied
	 */
	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
		if (this.pending.getAndIncrement() == 0) {
			try {
				this.executor.execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				this.tasks.clear();
				this.pending.set(0);
				throw ex;
			}
		}
	}

	private void drain() {
		do {
			Runnable task = this.tasks.poll();
			if (task != null) {
				try {
					task.run();
				}
				catch (Throwable ex) {
					// Tasks log their own failures: this keeps the queue going
				}
			}
		}
		while (this.pending.decrementAndGet() != 0);
	}

}
