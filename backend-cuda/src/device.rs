//! `CudaDevice`: one GPU, its primary context, the kernel modules and the
//! memory accounting.

use crate::error::{check, check_alloc};
use backend_api::{DeviceError, DeviceResult};
use cust::sys as cu;
use std::collections::HashMap;
use std::ffi::{c_void, CString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

include!(concat!(env!("OUT_DIR"), "/fatbins.rs"));

/// What the driver says about the device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceProperties {
    /// Marketing name, e.g. "NVIDIA H100 80GB HBM3".
    pub name: String,
    /// Streaming multiprocessors.
    pub sm_count: u32,
    /// Compute capability (major, minor).
    pub compute_capability: (u32, u32),
    /// Global memory in bytes.
    pub total_memory: usize,
    /// Largest grid dimension x (blocks).
    pub max_grid_x: u32,
    /// Largest grid dimensions y and z (blocks).
    pub max_grid_yz: u32,
    /// Largest block (threads).
    pub max_threads_per_block: u32,
}

/// Shared state of a device: everything outlives every context and buffer,
/// which hold an `Arc` to it.
pub(crate) struct DeviceInner {
    pub(crate) ordinal: i32,
    device: cu::CUdevice,
    context: cu::CUcontext,
    modules: Vec<(&'static str, cu::CUmodule)>,
    /// (module, kernel) -> CUfunction, filled on first lookup.
    functions: Mutex<HashMap<(String, String), usize>>,
    pool: cu::CUmemoryPool,
    pub(crate) props: DeviceProperties,
    /// Bytes of device memory currently allocated through this device.
    pub(crate) in_use: AtomicUsize,
    /// Largest `in_use` seen.
    pub(crate) peak: AtomicUsize,
}

// SAFETY: the raw handles are driver objects that the CUDA driver API allows
// to be used from any thread once the context is current (which every entry
// point ensures with `make_current`); the mutable state is behind a Mutex or
// atomics.
unsafe impl Send for DeviceInner {}
// SAFETY: see `Send`.
unsafe impl Sync for DeviceInner {}

impl DeviceInner {
    /// Makes the device's primary context current on the calling thread.
    /// Every driver call goes after this: contexts are used from many threads.
    pub(crate) fn make_current(&self) -> DeviceResult<()> {
        // SAFETY: `context` is the retained primary context, alive while self is.
        check(
            unsafe { cu::cuCtxSetCurrent(self.context) },
            "cuCtxSetCurrent",
        )
    }

    /// A kernel by module (file stem of `kernels/*.cu`) and `extern "C"` name.
    pub(crate) fn function(&self, module: &str, name: &str) -> DeviceResult<cu::CUfunction> {
        let key = (module.to_string(), name.to_string());
        let mut cache = self
            .functions
            .lock()
            .map_err(|_| poisoned("kernel cache"))?;
        if let Some(&f) = cache.get(&key) {
            return Ok(f as cu::CUfunction);
        }
        let &(_, handle) = self
            .modules
            .iter()
            .find(|(m, _)| *m == module)
            .ok_or_else(|| DeviceError::Unsupported {
                primitive: "kernel lookup",
                reason: format!("no kernel module named {module:?} is compiled in"),
            })?;
        let cname = CString::new(name).map_err(|_| DeviceError::invalid("name", "contains NUL"))?;
        let mut f = std::ptr::null_mut();
        self.make_current()?;
        // SAFETY: `handle` is a loaded module; `f` receives the function.
        check(
            unsafe { cu::cuModuleGetFunction(&mut f, handle, cname.as_ptr()) },
            &format!("cuModuleGetFunction({module}::{name})"),
        )?;
        cache.insert(key, f as usize);
        Ok(f)
    }

    /// Bytes the device can still hand out: free memory plus what the stream
    /// allocator's pool holds in reserve but does not use.
    pub(crate) fn available(&self) -> DeviceResult<usize> {
        self.make_current()?;
        let (mut free, mut total) = (0usize, 0usize);
        // SAFETY: plain out-pointers; the context is current.
        check(
            unsafe { cu::cuMemGetInfo_v2(&mut free, &mut total) },
            "cuMemGetInfo",
        )?;
        let reserved =
            self.pool_attr(cu::CUmemPool_attribute::CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT)?;
        let used = self.pool_attr(cu::CUmemPool_attribute::CU_MEMPOOL_ATTR_USED_MEM_CURRENT)?;
        Ok(free.saturating_add(reserved.saturating_sub(used) as usize))
    }

    fn pool_attr(&self, attr: cu::CUmemPool_attribute) -> DeviceResult<u64> {
        let mut v: u64 = 0;
        // SAFETY: these attributes are u64 (cuuint64_t) per the driver API.
        check(
            unsafe {
                cu::cuMemPoolGetAttribute(self.pool, attr, &mut v as *mut u64 as *mut c_void)
            },
            "cuMemPoolGetAttribute",
        )?;
        Ok(v)
    }

    /// Allocates `bytes` on `stream` (stream-ordered), after checking the
    /// request against what the device has. A driver out-of-memory is retried
    /// once after trimming the pool, then reported as `OutOfMemory`.
    pub(crate) fn alloc_async(
        &self,
        bytes: usize,
        stream: cu::CUstream,
    ) -> DeviceResult<cu::CUdeviceptr> {
        let available = self.available()?;
        if bytes > available {
            return Err(DeviceError::OutOfMemory {
                requested: bytes,
                available,
            });
        }
        let mut ptr: cu::CUdeviceptr = 0;
        // SAFETY: out-pointer; stream belongs to this context.
        let mut r = unsafe { cu::cuMemAllocAsync(&mut ptr, bytes, stream) };
        if r == cu::CUresult::CUDA_ERROR_OUT_OF_MEMORY {
            // Memory the pool keeps for reuse may be what is missing.
            // SAFETY: the pool is the device's default pool.
            check(
                unsafe { cu::cuMemPoolTrimTo(self.pool, 0) },
                "cuMemPoolTrimTo",
            )?;
            // SAFETY: as above.
            r = unsafe { cu::cuMemAllocAsync(&mut ptr, bytes, stream) };
        }
        check_alloc(r, "cuMemAllocAsync", bytes, available)?;
        let now = self.in_use.fetch_add(bytes, Ordering::Relaxed) + bytes;
        self.peak.fetch_max(now, Ordering::Relaxed);
        Ok(ptr)
    }

    /// Frees stream-ordered memory from `alloc_async`.
    pub(crate) fn free_async(
        &self,
        ptr: cu::CUdeviceptr,
        bytes: usize,
        stream: cu::CUstream,
    ) -> DeviceResult<()> {
        self.in_use.fetch_sub(bytes, Ordering::Relaxed);
        self.make_current()?;
        // SAFETY: ptr came from cuMemAllocAsync and is freed once.
        check(unsafe { cu::cuMemFreeAsync(ptr, stream) }, "cuMemFreeAsync")
    }
}

impl Drop for DeviceInner {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; the driver frees everything of
        // the context when the process ends anyway.
        if self.make_current().is_ok() {
            for &(_, m) in &self.modules {
                // SAFETY: each module was loaded once and is unloaded once.
                unsafe { cu::cuModuleUnload(m) };
            }
            // SAFETY: balances the retain in `CudaDevice::new`.
            unsafe { cu::cuDevicePrimaryCtxRelease_v2(self.device) };
        }
    }
}

pub(crate) fn poisoned(what: &str) -> DeviceError {
    DeviceError::Backend {
        code: -1,
        name: "Poisoned".into(),
        message: format!("{what} lock poisoned by a panic on another thread"),
    }
}

/// One CUDA GPU. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct CudaDevice {
    pub(crate) inner: Arc<DeviceInner>,
}

impl std::fmt::Debug for CudaDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CudaDevice({}: {:?})",
            self.inner.ordinal, self.inner.props
        )
    }
}

fn attribute(device: cu::CUdevice, attr: cu::CUdevice_attribute) -> DeviceResult<i32> {
    let mut v = 0;
    // SAFETY: out-pointer, valid device handle.
    check(
        unsafe { cu::cuDeviceGetAttribute(&mut v, attr, device) },
        "cuDeviceGetAttribute",
    )?;
    Ok(v)
}

impl CudaDevice {
    /// Opens GPU number `ordinal`: initializes the driver, retains the
    /// device's primary context and loads every kernel module.
    ///
    /// Errors: no driver or no device (`DeviceError::Backend`, e.g. code 100
    /// `CUDA_ERROR_NO_DEVICE`), an ordinal past the last device
    /// (`InvalidArgument`), a device without stream-ordered allocation
    /// (`Unsupported`), a module the driver cannot load (`Backend`).
    pub fn new(ordinal: usize) -> DeviceResult<CudaDevice> {
        // SAFETY: cuInit may be called any number of times.
        check(unsafe { cu::cuInit(0) }, "cuInit")?;
        let mut count = 0;
        // SAFETY: out-pointer.
        check(
            unsafe { cu::cuDeviceGetCount(&mut count) },
            "cuDeviceGetCount",
        )?;
        if ordinal >= count.max(0) as usize {
            return Err(DeviceError::invalid(
                "ordinal",
                format!("device {ordinal} requested, {count} present"),
            ));
        }
        let mut device = 0;
        // SAFETY: ordinal < count.
        check(
            unsafe { cu::cuDeviceGet(&mut device, ordinal as i32) },
            "cuDeviceGet",
        )?;
        let props = read_properties(device)?;
        use cu::CUdevice_attribute as A;
        if attribute(device, A::CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED)? == 0 {
            return Err(DeviceError::Unsupported {
                primitive: "CudaDevice::new",
                reason: format!("{} has no stream-ordered memory allocator", props.name),
            });
        }
        let mut context = std::ptr::null_mut();
        // SAFETY: out-pointer; released in DeviceInner::drop.
        check(
            unsafe { cu::cuDevicePrimaryCtxRetain(&mut context, device) },
            "cuDevicePrimaryCtxRetain",
        )?;
        let mut pool = std::ptr::null_mut();
        // From here on DeviceInner's Drop releases what was acquired.
        let mut inner = DeviceInner {
            ordinal: ordinal as i32,
            device,
            context,
            modules: Vec::new(),
            functions: Mutex::new(HashMap::new()),
            pool: std::ptr::null_mut(),
            props,
            in_use: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        };
        inner.make_current()?;
        // SAFETY: out-pointer, valid device.
        check(
            unsafe { cu::cuDeviceGetDefaultMemPool(&mut pool, device) },
            "cuDeviceGetDefaultMemPool",
        )?;
        inner.pool = pool;
        // Keep freed memory in the pool between synchronizations, so that
        // temporaries do not go back to the OS and get mapped again.
        let mut threshold: u64 = u64::MAX;
        // SAFETY: the attribute is a cuuint64_t.
        check(
            unsafe {
                cu::cuMemPoolSetAttribute(
                    pool,
                    cu::CUmemPool_attribute::CU_MEMPOOL_ATTR_RELEASE_THRESHOLD,
                    &mut threshold as *mut u64 as *mut c_void,
                )
            },
            "cuMemPoolSetAttribute",
        )?;
        for &(name, image) in FATBINS {
            let mut module = std::ptr::null_mut();
            // SAFETY: `image` is a fatbin produced by nvcc and embedded by build.rs.
            check(
                unsafe { cu::cuModuleLoadData(&mut module, image.as_ptr() as *const c_void) },
                &format!("cuModuleLoadData({name})"),
            )?;
            inner.modules.push((name, module));
        }
        Ok(CudaDevice {
            inner: Arc::new(inner),
        })
    }

    /// What the driver reported about the device.
    pub fn properties(&self) -> &DeviceProperties {
        &self.inner.props
    }

    /// Bytes currently allocated through this device (all contexts).
    pub fn memory_in_use(&self) -> usize {
        self.inner.in_use.load(Ordering::Relaxed)
    }

    /// Largest [`memory_in_use`](Self::memory_in_use) seen so far.
    pub fn peak_memory(&self) -> usize {
        self.inner.peak.load(Ordering::Relaxed)
    }

    /// Bytes an allocation may still take (free memory plus the allocator
    /// pool's unused reserve).
    pub fn available_memory(&self) -> DeviceResult<usize> {
        self.inner.available()
    }
}

fn read_properties(device: cu::CUdevice) -> DeviceResult<DeviceProperties> {
    use cu::CUdevice_attribute as A;
    let mut name = [0i8; 256];
    // SAFETY: the buffer has the length passed.
    check(
        unsafe { cu::cuDeviceGetName(name.as_mut_ptr(), name.len() as i32, device) },
        "cuDeviceGetName",
    )?;
    // SAFETY: the driver NUL-terminates within the buffer.
    let name = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    let mut total = 0usize;
    // SAFETY: out-pointer.
    check(
        unsafe { cu::cuDeviceTotalMem_v2(&mut total, device) },
        "cuDeviceTotalMem",
    )?;
    let u = |a| attribute(device, a).map(|v| v.max(0) as u32);
    Ok(DeviceProperties {
        name,
        sm_count: u(A::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?,
        compute_capability: (
            u(A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)?,
            u(A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)?,
        ),
        total_memory: total,
        max_grid_x: u(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X)?,
        max_grid_yz: u(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y)?
            .min(u(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z)?),
        max_threads_per_block: u(A::CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK)?,
    })
}
