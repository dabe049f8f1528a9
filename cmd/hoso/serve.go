package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"hoso/api"
	"hoso/pipeline"
	"hoso/registry"
	"hoso/storage"
)

// serviceFlags are the settings of the architecture's table, with the same
// names in every subcommand that runs part of the service.
type serviceFlags struct {
	dataFlags
	ocrFlags
	signFlags
	addr, redisURL, s3Endpoint, s3Bucket, autoApprove *string
}

func addServiceFlags(fs *flag.FlagSet) serviceFlags {
	return serviceFlags{
		dataFlags:   addDataFlags(fs),
		ocrFlags:    addOCRFlags(fs),
		signFlags:   addSignFlags(fs),
		addr:        fs.String("addr", envString("HOSO_ADDR", "127.0.0.1:8080"), "HTTP address (env HOSO_ADDR)"),
		redisURL:    fs.String("redis-url", envString("REDIS_URL", ""), "Redis for the queue; default a private redis-server under the data folder (env REDIS_URL)"),
		s3Endpoint:  fs.String("s3-endpoint", envString("S3_ENDPOINT", ""), "S3/MinIO host:port; default a folder under the data folder (env S3_ENDPOINT; keys in S3_ACCESS_KEY, S3_SECRET_KEY)"),
		s3Bucket:    fs.String("s3-bucket", envString("S3_BUCKET", "hoso"), "S3 bucket (env S3_BUCKET)"),
		autoApprove: fs.String("auto-approve", envString("HOSO_AUTO_APPROVE", "confident"), "off, confident or all (env HOSO_AUTO_APPROVE)"),
	}
}

// check validates the settings as a whole before anything starts.
func (f serviceFlags) check() error {
	switch *f.autoApprove {
	case "off", "confident", "all":
	default:
		return fmt.Errorf("--auto-approve must be off, confident or all, not %q", *f.autoApprove)
	}
	if err := f.ocrFlags.check(); err != nil {
		return err
	}
	if err := f.signFlags.check(); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(*f.addr); err != nil {
		return fmt.Errorf("--addr: %w", err)
	}
	if *f.s3Endpoint != "" && (os.Getenv("S3_ACCESS_KEY") == "" || os.Getenv("S3_SECRET_KEY") == "") {
		return fmt.Errorf("--s3-endpoint needs S3_ACCESS_KEY and S3_SECRET_KEY in the environment")
	}
	return nil
}

// runAll runs the API and the workers in one process: the embedded default.
func runAll(ctx context.Context, args []string) error {
	return runService(ctx, "all", args, true, true)
}

// runServe runs the API only; workers run elsewhere on the same Redis,
// database and storage.
func runServe(ctx context.Context, args []string) error {
	return runService(ctx, "serve", args, true, false)
}

// runWorker runs the pipeline's workers only.
func runWorker(ctx context.Context, args []string) error {
	return runService(ctx, "worker", args, false, true)
}

func runService(ctx context.Context, name string, args []string, withAPI, withWorkers bool) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	sf := addServiceFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := sf.check(); err != nil {
		return err
	}
	if !(withAPI && withWorkers) && *sf.redisURL == "" {
		return fmt.Errorf("hoso %s shares its queue with the other processes: set --redis-url (or REDIS_URL)", name)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := os.MkdirAll(*sf.data, 0o750); err != nil {
		return err
	}

	redisOpt, stopRedis, err := sf.redis(ctx)
	if err != nil {
		return err
	}
	defer stopRedis()
	db, err := sf.openCatalog(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := sf.store(ctx)
	if err != nil {
		return err
	}
	client := asynq.NewClient(redisOpt)
	defer client.Close()
	enqueue := func(ctx context.Context, t *asynq.Task, opts ...asynq.Option) error {
		_, err := client.EnqueueContext(ctx, t, opts...)
		return err
	}
	if withWorkers {
		eng, err := sf.engine()
		if err != nil {
			return err
		}
		defer eng.Close()
		sealer, closeKeys, err := sf.sealer(*sf.data, sf.ocrFlags, log)
		if err != nil {
			return err
		}
		defer closeKeys()
		stages := &pipeline.Stages{
			Sealer:   sealer,
			Catalog:  db,
			Objects:  store,
			Registry: (&pipeline.CatalogLinker{Store: db, Settings: registry.DefaultSettings}).Linker,
			Engine:   eng, Enqueue: enqueue, AutoApprove: *sf.autoApprove, Log: log,
		}
		workers := asynq.NewServer(redisOpt, asynq.Config{Concurrency: *sf.workers, Queues: pipeline.Queues,
			ShutdownTimeout: 30 * time.Second, LogLevel: asynq.WarnLevel, TaskCheckInterval: pipeline.QueuePollInterval})
		mux := asynq.NewServeMux()
		stages.Register(mux)
		if err := workers.Start(mux); err != nil {
			return fmt.Errorf("workers: %w", err)
		}
		defer workers.Shutdown() // lets running tasks finish, hands the rest back
	}
	if !withAPI {
		log.Info("hoso workers are running", "workers", *sf.workers)
		<-ctx.Done()
		return nil
	}

	srv := &api.Server{
		Catalog: db,
		Originals: func(ctx context.Context, r io.Reader, max int64) (string, int64, error) {
			return storage.PutOriginal(ctx, store, r, max)
		},
		Start: func(ctx context.Context, fileID string) error {
			t, opts := pipeline.PrepareTask(fileID)
			err := enqueue(ctx, t, opts...)
			if errors.Is(err, asynq.ErrTaskIDConflict) {
				return nil
			}
			return err
		},
		Objects:        store,
		Ready:          db.Ping,
		MaxUploadBytes: *sf.maxMB << 20,
		Log:            log,
	}
	hs := &http.Server{Addr: *sf.addr, Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	log.Info("hoso is running", "addr", "http://"+*sf.addr, "data", *sf.data)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop taking requests first, then the workers (deferred), then close.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return hs.Shutdown(shutdownCtx)
}

// redis returns the queue's Redis: REDIS_URL, or a private redis-server
// child with append-only persistence under the data folder.
func (f serviceFlags) redis(ctx context.Context) (asynq.RedisConnOpt, func(), error) {
	if *f.redisURL != "" {
		opt, err := asynq.ParseRedisURI(*f.redisURL)
		return opt, func() {}, err
	}
	dir, err := filepath.Abs(filepath.Join(*f.data, "redis"))
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, err
	}
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command("redis-server", "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700",
		"--dir", dir, "--appendonly", "yes", "--save", "")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("private redis-server: %w", err)
	}
	stop := func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return asynq.RedisClientOpt{Network: "unix", Addr: sock}, stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return nil, nil, fmt.Errorf("private redis-server did not start")
}

// store returns object storage: S3 when an endpoint is set, else a folder.
func (f serviceFlags) store(ctx context.Context) (storage.Store, error) {
	if *f.s3Endpoint != "" {
		return storage.NewS3(ctx, storage.S3Config{Endpoint: *f.s3Endpoint, Bucket: *f.s3Bucket,
			AccessKey: os.Getenv("S3_ACCESS_KEY"), SecretKey: os.Getenv("S3_SECRET_KEY"),
			Secure: strings.HasPrefix(*f.s3Endpoint, "https")})
	}
	return storage.NewLocal(filepath.Join(*f.data, "objects"))
}
